"""Settings of the benchmark's counting pass: Trackeep's own, plus ``bench.counters`` first in the
middleware when ``BENCH_COUNTERS=1`` (the timed passes use ``trackeep.settings`` unchanged)."""

from trackeep.settings import *  # noqa: F403
from trackeep.settings import MIDDLEWARE, env

BENCH_COUNTERS = env.bool("BENCH_COUNTERS", default=False)
if BENCH_COUNTERS:
    MIDDLEWARE = ["bench.counters.CountersMiddleware", *MIDDLEWARE]
