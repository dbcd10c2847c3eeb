"""Redis memory of the bench's own data, measured with ``MEMORY USAGE`` (printed as JSON).

Run by ``bench.runner`` inside the app's environment (``python -m bench.memory``, Django configured
from it) after the timed rounds, while the Redis-on sessions of the run are still there:

- every session on the state role: its key's ``MEMORY USAGE`` (the mean is "per session"), and per
  login, that plus the users' session indexes (one sorted set per user) shared among their sessions;
- the ``general`` rate-limit policy as configured (production budget): bytes per identity with its
  budget fully spent, on a private redis-server under the shipped key prefix
  (``bench.ratelimit.memory_per_identity``).
"""

from __future__ import annotations

import json
import sys
from typing import Any

SCAN_COUNT = 1000
LIMITER_IDENTITIES = 20


def session_memory() -> dict[str, Any]:
    import django

    django.setup()
    from django.core.cache import caches

    from core.demo import demo_users
    from core.redis import keys
    from core.redis.client import get_client

    client = get_client("state")
    pattern = caches["state"].make_key(keys.session_cache_prefix() + "*")
    session_keys = list(client.scan_iter(match=pattern, count=SCAN_COUNT))
    session_bytes = [client.memory_usage(key, samples=0) or 0 for key in session_keys]
    index_keys = [keys.user_sessions_index(pk) for pk in demo_users().values_list("pk", flat=True)]
    index_bytes = [client.memory_usage(key, samples=0) or 0 for key in index_keys]
    sessions = len(session_keys)
    return {
        "sessions": sessions,
        "session_bytes": sum(session_bytes) / sessions if sessions else None,
        "indexes": sum(1 for size in index_bytes if size),
        "index_bytes_total": sum(index_bytes),
        "per_login_bytes": (sum(session_bytes) + sum(index_bytes)) / sessions if sessions else None,
    }


def limiter_memory() -> dict[str, Any]:
    from bench.ratelimit import memory_per_identity
    from core.ratelimit import policies

    general = policies.get("general")
    ((_, algorithm, key_count, size),) = memory_per_identity(LIMITER_IDENTITIES, names={"general"})
    return {
        "algorithm": algorithm,
        "limit": general.limit,
        "window": general.window,
        "keys": key_count,
        "bytes": size,
        "identities": LIMITER_IDENTITIES,
    }


if __name__ == "__main__":
    json.dump({**session_memory(), "general": limiter_memory()}, sys.stdout)
