"""Django system checks for the Redis configuration (``manage.py check``).

- the session cache alias never swallows errors (a failed ``add()`` read as "key taken" makes
  Django's session ``create()`` spin, and a silent miss would hide an outage);
- production never uses the in-memory channel layer (messages would not cross instances);
- every cache alias the app writes counters to supports atomic increments;
- TLS files set (``REDIS_TLS_*``) while a role's URL, or its monitoring URL, is plain ``redis://``:
  those connections are not encrypted (the files themselves are checked when settings load);
- ``--deploy``: each Redis-backed role answers PING.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

ATOMIC_CACHE_BACKENDS = (
    "django_redis.cache.RedisCache",
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.locmem.LocMemCache",
    # REDIS_CACHE_FALLBACK=none: nothing is cached, so there is no counter to keep atomic.
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.caches)
def check_session_cache(app_configs: Any, **kwargs: Any) -> list[Error]:
    alias = settings.SESSION_CACHE_ALIAS
    caches: dict[str, dict[str, Any]] = settings.CACHES
    options: dict[str, Any] = caches.get(alias, {}).get("OPTIONS", {})
    if options.get("IGNORE_EXCEPTIONS"):
        return [
            Error(
                f"The session cache alias {alias!r} has IGNORE_EXCEPTIONS set.",
                hint="Sessions must see Redis errors so the database copy is used instead.",
                id="trackeep.E001",
            )
        ]
    return []


@register(Tags.caches)
def check_atomic_counters(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    for alias in ("default", "state"):
        backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
        if backend not in ATOMIC_CACHE_BACKENDS:
            errors.append(
                Error(
                    f"Cache alias {alias!r} uses {backend}, which has no atomic increment.",
                    hint="Use django_redis.cache.RedisCache.",
                    id="trackeep.E002",
                )
            )
    return errors


@register()
def check_channel_layer(app_configs: Any, **kwargs: Any) -> list[Warning]:
    backend = str(settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", ""))
    if settings.PRODUCTION and backend.endswith("InMemoryChannelLayer"):
        return [
            Warning(
                "The in-memory channel layer is in use in production.",
                hint="Messages will not reach sockets on other instances: set "
                "REDIS_PUBSUB_ENABLED=true and REDIS_CHANNELS_URL.",
                id="trackeep.W001",
            )
        ]
    return []


@register(Tags.caches)
def check_redis_tls(app_configs: Any, **kwargs: Any) -> list[Warning]:
    warnings = []
    monitor_urls: dict[str, str] = settings.REDIS_MONITOR_URLS
    for name, role in settings.REDIS_ROLES.items():
        if not (role.tls.ca_file or role.tls.cert_file):
            continue
        plain = [url for url in (role.url, monitor_urls.get(name, "")) if url.startswith("redis://")]
        if plain:
            which = "URL" if role.url in plain else "monitoring URL"
            warnings.append(
                Warning(
                    f"TLS files are set for the {name} Redis role but its {which} is redis://.",
                    hint="Its connections are not encrypted: use a rediss:// URL (docs/deployment.md, "
                    "'TLS to Redis'), or unset the REDIS_*TLS* variables if that is intended.",
                    id="trackeep.W020",
                )
            )
    return warnings


@register(Tags.caches, deploy=True)
def check_redis_reachable(app_configs: Any, **kwargs: Any) -> list[Warning]:
    from core.redis.client import Role
    from core.redis.health import ping

    roles: tuple[Role, ...] = ("cache", "state")
    warnings = []
    for role in roles:
        if not ping(role):
            warnings.append(Warning(f"The {role} Redis does not answer PING.", id="trackeep.W002"))
    return warnings
