"""System checks for ``RATE_LIMIT_POLICIES``: the rows parse, the policies other code looks up exist,
every URL name a policy lists exists, and no sliding log outgrows Redis' compact sorted-set encoding.

A misspelt URL name would silently leave that view under the general policy, so it is reported by
``manage.py check`` (as a warning: the app that owns the URL may not have landed yet).
"""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from core.ratelimit.algorithms import sliding_window
from core.ratelimit.matching import url_name_prefixes
from core.ratelimit.policies import configured_policies

LISTPACK_ENTRIES = 128  # Redis' default zset-max-listpack-entries
# Policies that code outside the middleware looks up by name.
APPLIED_ELSEWHERE = {
    "login": "accounts.login_throttle",
    "two_factor": "accounts.views",
    "signup": "accounts.urls",
    "password_reset_email": "accounts.urls",
    "share_link": "content.views.shares",
    "messages": "messaging.limits",
    "reactions": "messaging.limits",
    "typing": "messaging.limits",
}


@register(Tags.urls)
def check_rate_limit_policies(app_configs: Any, **kwargs: Any) -> list[Error | Warning]:
    try:
        policies = configured_policies()  # no database: checks run before migrations
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="trackeep.E010")]
    known = url_name_prefixes()
    problems: list[Error | Warning] = [
        Error(
            f"RATE_LIMIT_POLICIES has no {name!r} policy, which {user} applies.",
            hint="Keep the row (tune it with RATE_LIMIT_POLICIES_JSON); without it that path fails.",
            id="trackeep.E011",
        )
        for name, user in APPLIED_ELSEWHERE.items()
        if name not in {p.name for p in policies}
    ]
    problems += [
        Warning(
            f"Rate-limit policy {policy.name!r} keeps a sliding log of {policy.limit} entries per identity.",
            hint=f"Above {LISTPACK_ENTRIES} entries Redis stores the log as a skiplist, about five times "
            "larger (docs/ratelimiting.md): use sliding_window_counter (constant memory) for large limits.",
            id="trackeep.W011",
        )
        for policy in policies
        if policy.algorithm == sliding_window.NAME and policy.limit > LISTPACK_ENTRIES
    ]
    return problems + [
        Warning(
            f"Rate-limit policy {policy.name!r} names URL {name!r}, which does not exist.",
            hint="Requests to that view are not covered by the policy until the name matches.",
            id="trackeep.W010",
        )
        for policy in policies
        for name in policy.url_names
        if name not in known
    ]
