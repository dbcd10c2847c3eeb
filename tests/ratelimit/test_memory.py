"""Redis memory per identity: the general policy, which every active client spends, stays within budget.

Measured with ``MEMORY USAGE`` on a redis-server of the test's own, under the shipped key prefix
(key names are part of the size), with the identity's budget fully spent.
"""

from __future__ import annotations

from typing import Any

import redis

from core.ratelimit import identity, policies
from core.ratelimit.base import Check
from core.ratelimit.redis_limiter import RedisLimiter
from core.redis import keys
from tools.redis_process import RedisProcess

BYTES_PER_IDENTITY = 150  # issue 12's budget for the general limit (the seed plans ~100 B per bucket)
SHIPPED_PREFIX = "tk"


def test_the_general_policy_keeps_an_identity_within_its_memory_budget(
    private_redis_roles: RedisProcess, settings: Any
) -> None:
    settings.REDIS_KEY_PREFIX = SHIPPED_PREFIX  # a private server: nothing else lives under it
    general = policies.get_configured("general")
    check = Check(general, identity.user(2_000_000_000))
    decisions = RedisLimiter().hit([check] * (general.limit + 1))
    assert [d.allowed for d in decisions].count(False) == 1  # the whole budget is spent
    server = redis.Redis(port=private_redis_roles.port)
    identity_keys = list(server.scan_iter(match=keys.rate_limit_pattern(), count=1000))
    assert identity_keys == [check.key.encode()]
    assert sum(server.memory_usage(key, samples=0) for key in identity_keys) <= BYTES_PER_IDENTITY
