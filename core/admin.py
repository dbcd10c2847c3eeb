"""Admin additions of the platform layer, loaded by admin autodiscovery: rate-limit actions on users."""

from core.ratelimit.admin import install

install()
