"""The admin Redis page's cost with a full day of samples and a populated keyspace.

Run ``python -m bench.redis_admin`` (starts a private redis-server; no database needed). Every role
points at that server; the cache and state series get a full day of samples (``--samples`` per
role, one a minute), and the keyspace ``--keys`` cache entries spread over the registry's per-user
families and ``--users`` users. Printed: the median time of the page's whole read
(``selectors.overview``: live figures, the day's series and the charts, the bounded key-count SCAN)
and of "invalidate one user's caches" (generation bumps, then one SCAN of the whole keyspace with
the user's pattern and an UNLINK), with the bytes the day's series read costs.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from tools.redis_process import RedisProcess


def _median_seconds(run: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1440, help="samples per role (default: a day)")
    parser.add_argument("--keys", type=int, default=200_000, help="cache entries in the keyspace")
    parser.add_argument("--users", type=int, default=10_000, help="users the entries belong to")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    with RedisProcess() as server:
        os.environ["REDIS_URL"] = server.url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trackeep.settings")
        import django

        django.setup()
        from core.monitoring import sampler, series
        from core.redis import families, keys
        from core.redis.client import cache_for, get_client
        from core.redis_admin import selectors, services

        now = time.time()
        for role in ("cache", "state"):
            reading = sampler.take_sample(role, server.url, now, None)
            for i in range(args.samples):
                at = now - 60 * (args.samples - i)
                series.append(dataclasses.replace(reading, at=at))
        per_user = [f.name for f in families.families() if f.per_user]
        cache, client = cache_for("cache"), get_client("cache")
        pipe = client.pipeline(transaction=False)
        for n in range(args.keys):
            family, user = per_user[n % len(per_user)], n % args.users + 1
            pipe.set(cache.make_key(keys.family_entry_cache_key(family, user, 1, (str(n),))), b"x", ex=3600)
            if len(pipe) >= 5000:
                pipe.execute()
        pipe.execute()
        series_bytes = sum(
            len(member)
            for role in ("cache", "state")
            for member in get_client("state").zrange(keys.monitor_series(role), 0, -1)
        )

        page = _median_seconds(selectors.overview, args.rounds)
        overview = selectors.overview()
        invalidate = _median_seconds(lambda: services.invalidate_user_caches(1), args.rounds)
        load = os.getloadavg()
        print(f"keyspace {int(client.dbsize())} keys, {args.samples} samples per role ({series_bytes} bytes)")
        print(f"key counts: {'; '.join(overview.keys.scans)}")
        print(f"page read (selectors.overview): median {page * 1000:.0f} ms over {args.rounds} rounds")
        print(f"invalidate one user's caches: median {invalidate * 1000:.0f} ms over {args.rounds} rounds")
        print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
