"""The cache registry: every cached family is declared by the app that owns it.

An app declares its families in its own ``caches.py`` and registers them in ``AppConfig.ready()``::

    DASHBOARD = CacheFamily(
        name="dashboard",
        ttl=DASHBOARD_TTL,
        invalidated_by=("content_changed",),
        warm_user=warm_dashboard,
        description="home dashboard counts and recent items",
    )

    class AnalyticsConfig(AppConfig):
        def ready(self) -> None:
            register(DASHBOARD)

Reads go through ``family.get_or_compute`` (one round trip on a hit, stampede-safe on a miss, see
``core.redis.cache_aside``); the app's receivers call ``family.invalidate(user_id)`` for the events
listed in ``invalidated_by``. ``manage.py cache_warm``, ``cache_invalidate`` and ``cache_inspect``
iterate the registry, so a family added by a new app appears in all three without editing ``core/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from core.prometheus.instruments import CACHE_LOOKUPS
from core.redis import cache_aside, keys
from core.redis.cache_aside import Cached

T = TypeVar("T")

USER = "user"
GLOBAL = "global"
SCOPES = (USER, GLOBAL)


@dataclass(frozen=True)
class CacheFamily:
    """One family of cached values: its name (the first segment of its keys), scope and TTL, the
    events that invalidate it (documentation for operators: the owning app's receivers act on
    them) and how to warm it."""

    name: str
    ttl: int
    scope: str = USER
    invalidated_by: tuple[str, ...] = ()
    warm_user: Callable[[int], object] | None = None
    warm_global: Callable[[], object] | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.scope not in SCOPES:
            raise ValueError(f"scope must be one of {SCOPES}, not {self.scope!r}")
        if not keys.family_name_is_valid(self.name):
            raise ValueError(f"invalid family name {self.name!r}")

    @property
    def per_user(self) -> bool:
        return self.scope == USER

    def _owner(self, user_id: int | None) -> int | None:
        if self.per_user and user_id is None:
            raise ValueError(f"family {self.name} is per user: pass user_id")
        if not self.per_user and user_id is not None:
            raise ValueError(f"family {self.name} is global: user_id must be None")
        return user_id

    def get_or_compute(self, compute: Callable[[], T], *parts: str, user_id: int | None = None) -> Cached[T]:
        """The cached entry ``parts`` (per ``user_id`` for a per-user family), computed on a miss."""
        cached = cache_aside.get_or_compute(self.name, self._owner(user_id), parts, compute, self.ttl)
        CACHE_LOOKUPS.labels(self.name, "hit" if cached.hit else "miss").inc()
        return cached

    def invalidate(self, user_id: int | None = None) -> None:
        """Make every entry of this family (for ``user_id``) unreachable: one INCR."""
        cache_aside.bump(self.name, self._owner(user_id))

    def invalidate_many(self, user_ids: Iterable[int]) -> None:
        """``invalidate`` for several users of a per-user family: one round trip for all."""
        if not self.per_user:
            raise ValueError(f"family {self.name} is global: it has no users to invalidate")
        cache_aside.bump_many(self.name, user_ids)

    def generation(self, user_id: int | None = None) -> int:
        return cache_aside.generation(self.name, self._owner(user_id))

    @property
    def warmable(self) -> bool:
        return (self.warm_user if self.per_user else self.warm_global) is not None

    def warm(self, user_id: int | None = None) -> None:
        """Fill the family ahead of traffic (for ``user_id`` when per user); no-op if not warmable."""
        if self.per_user and self.warm_user is not None:
            self.warm_user(self._owner(user_id))  # type: ignore[arg-type]
        elif not self.per_user and self.warm_global is not None:
            self.warm_global()


_registry: dict[str, CacheFamily] = {}


class FamilyConflict(ValueError):
    """Two different families were registered under one name."""


def register(family: CacheFamily) -> CacheFamily:
    """Add ``family`` to the registry (idempotent for the same declaration)."""
    existing = _registry.get(family.name)
    if existing is not None and existing != family:
        raise FamilyConflict(f"cache family {family.name!r} is already registered differently")
    _registry[family.name] = family
    return family


def unregister(name: str) -> None:
    _registry.pop(name, None)


def get(name: str) -> CacheFamily:
    try:
        return _registry[name]
    except KeyError:
        raise KeyError(f"no cache family {name!r}; registered: {', '.join(names()) or 'none'}") from None


def names() -> list[str]:
    return sorted(_registry)


def families(selected: Sequence[str] | None = None) -> Iterator[CacheFamily]:
    """The registered families (all, or those named in ``selected``), by name."""
    for name in selected or names():
        yield get(name)
