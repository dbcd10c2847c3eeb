"""Rate-limit policies: the ``RATE_LIMIT_POLICIES`` settings rows, parsed into frozen ``Policy`` values.

Limits are data so that one table in settings shows every limit in the product (including those
enforced outside the middleware, such as login attempts), and so that an operator can tune one from
the environment without a code change: ``RATE_LIMIT_POLICIES_JSON='{"general": {"limit": 200}}'``
updates fields of a named policy, or adds a policy under a new name.

On top of both, an operator can set a policy's limit and window in the admin
(``core.ratelimit.overrides``); each process keeps the merged table in memory and reloads it when a
system event says an override changed (``reload``), so the change applies on every instance at once.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from functools import cache, cached_property
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import DatabaseError
from django.dispatch import receiver

from core.ratelimit.algorithms import ALGORITHMS
from core.ratelimit.algorithms.base import Algorithm

logger = logging.getLogger(__name__)

USER_OR_IP = "user_or_ip"  # the signed-in user, else the client address
IP = "ip"
IP_AND_ACCOUNT = "ip_and_account"  # both budgets are spent (login: the account typed in the form)
ACCOUNT_AND_SESSION = "account_and_session"  # both budgets are spent (two-factor codes)
EMAIL = "email"  # the e-mail address a form names (password reset)
IDENTITIES = (USER_OR_IP, IP, IP_AND_ACCOUNT, ACCOUNT_AND_SESSION, EMAIL)
MIDDLEWARE_IDENTITIES = (USER_OR_IP, IP)  # what the middleware can tell from a bare request

FAIL_OPEN = "open"  # Redis unavailable: admit, log and count
FAIL_LOCAL = "local"  # Redis unavailable: this process's own limiter decides
OUTAGES = (FAIL_OPEN, FAIL_LOCAL)

MIDDLEWARE = "middleware"
DJANGO_RATELIMIT = "django-ratelimit"  # per-view limits, core.ratelimit.per_view


@dataclass(frozen=True)
class Policy:
    """One limit: ``limit`` requests per ``window`` seconds, per identity."""

    name: str
    limit: int
    window: float
    algorithm: str
    identity: str = USER_OR_IP
    paths: tuple[str, ...] = ()  # path prefixes
    url_names: tuple[str, ...] = ()  # resolved URL names, "namespace:name"
    methods: tuple[str, ...] = ()  # empty: every method
    fallback: bool = False  # applies only to requests no other policy claims
    outage: str = FAIL_OPEN
    enforced_by: str = MIDDLEWARE
    description: str = ""

    @property
    def window_ms(self) -> int:
        return math.ceil(self.window * 1000)

    @cached_property
    def engine(self) -> Algorithm:
        """The implementation of ``algorithm``, looked up once."""
        return ALGORITHMS[self.algorithm]

    def covers_method(self, method: str) -> bool:
        return not self.methods or method in self.methods


_FIELDS = {f.name for f in fields(Policy)}


def parse(row: Mapping[str, Any]) -> Policy:
    """Validate one settings row; raises ImproperlyConfigured with the policy's name on bad data."""
    name = str(row.get("name", ""))
    unknown = set(row) - _FIELDS
    problems = [f"unknown field(s) {sorted(unknown)}"] if unknown else []
    if not name or ":" in name or "{" in name or "}" in name:
        problems.append("a name without ':', '{' or '}' is required (it goes into Redis keys)")
    algorithm = ALGORITHMS.get(str(row.get("algorithm")))
    if algorithm is None:
        problems.append(f"algorithm must be one of {tuple(ALGORITHMS)}")
    if row.get("identity", USER_OR_IP) not in IDENTITIES:
        problems.append(f"identity must be one of {IDENTITIES}")
    if row.get("outage", FAIL_OPEN) not in OUTAGES:
        problems.append(f"outage must be one of {OUTAGES}")
    limit, window = row.get("limit"), row.get("window")
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        problems.append("limit must be a positive integer")
    if not isinstance(window, int | float) or isinstance(window, bool) or window <= 0:
        problems.append("window must be a positive number of seconds")
    elif algorithm is not None and not problems:
        problems += algorithm.problems(limit, math.ceil(window * 1000))  # type: ignore[arg-type]
    enforced_by = row.get("enforced_by", MIDDLEWARE)
    if enforced_by == MIDDLEWARE and row.get("identity", USER_OR_IP) not in MIDDLEWARE_IDENTITIES:
        problems.append(f"the middleware sees only {MIDDLEWARE_IDENTITIES}: enforce this identity elsewhere")
    if problems:
        raise ImproperlyConfigured(f"RATE_LIMIT_POLICIES[{name or '?'}]: " + "; ".join(problems))
    return Policy(
        name=name,
        limit=int(limit),  # type: ignore[arg-type]
        window=float(window),  # type: ignore[arg-type]
        algorithm=str(row["algorithm"]),
        identity=str(row.get("identity", USER_OR_IP)),
        paths=tuple(row.get("paths", ())),
        url_names=tuple(row.get("url_names", ())),
        methods=tuple(m.upper() for m in row.get("methods", ())),
        fallback=bool(row.get("fallback", False)),
        outage=str(row.get("outage", FAIL_OPEN)),
        enforced_by=str(enforced_by),
        description=str(row.get("description", "")),
    )


def load(rows: Iterable[Mapping[str, Any]], overrides: Mapping[str, Mapping[str, Any]]) -> tuple[Policy, ...]:
    """Merge ``overrides`` (by policy name) into ``rows`` and parse every row."""
    if not isinstance(overrides, Mapping):
        raise ImproperlyConfigured(
            "RATE_LIMIT_POLICIES_JSON must be an object: {policy name: {field: value}}"
        )
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        merged[str(row.get("name", ""))] = dict(row)
    for name, changes in overrides.items():
        if not isinstance(changes, Mapping):
            raise ImproperlyConfigured(f"RATE_LIMIT_POLICIES_JSON[{name}] must be an object")
        merged[name] = {**merged.get(name, {}), **changes, "name": name}
    return tuple(parse(row) for row in merged.values())


@cache
def configured_policies() -> tuple[Policy, ...]:
    """The policies of the settings and the environment, parsed once per process."""
    return load(settings.RATE_LIMIT_POLICIES, settings.RATE_LIMIT_POLICY_OVERRIDES)


@cache
def _with_overrides() -> tuple[Policy, ...]:
    from core.ratelimit import overrides

    return overrides.applied(configured_policies(), overrides.current())


def all_policies() -> tuple[Policy, ...]:
    """The policies in force: ``configured_policies`` with the admin's overrides (one query, then kept
    in this process until ``reload``). While the database cannot be read (not migrated yet, or down)
    the settings' policies apply and every look-up tries the database again."""
    global _generation
    try:
        return _with_overrides()
    except DatabaseError as exc:
        logger.warning("rate-limit overrides unreadable, using the configured policies: %s", exc)
        _generation += 1  # whoever built something from this table builds it again next time
        return configured_policies()


_generation = 0


def generation() -> int:
    """A number that changes whenever the policy table is reloaded (the middleware rebuilds its matcher)."""
    return _generation


def reload() -> None:
    """Forget the parsed table: the next look-up reads the settings and the overrides again."""
    global _generation
    configured_policies.cache_clear()
    _with_overrides.cache_clear()
    _generation += 1


def get(name: str) -> Policy:
    """The policy called ``name``; KeyError if there is none."""
    for policy in all_policies():
        if policy.name == name:
            return policy
    raise KeyError(name)


def get_configured(name: str) -> Policy:
    """The policy called ``name`` as the settings define it (without the admin's override)."""
    for policy in configured_policies():
        if policy.name == name:
            return policy
    raise KeyError(name)


def middleware_policies() -> tuple[Policy, ...]:
    """The policies the HTTP middleware applies itself."""
    return tuple(p for p in all_policies() if p.enforced_by == MIDDLEWARE)


@receiver(setting_changed)
def _forget_parsed_policies(*, setting: str, **kwargs: Any) -> None:
    if setting in ("RATE_LIMIT_POLICIES", "RATE_LIMIT_POLICY_OVERRIDES"):
        reload()
