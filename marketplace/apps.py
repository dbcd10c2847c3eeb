"""App config for marketplace."""

from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
