"""The counters and histograms the code updates (names and labels in one place)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUEST_SECONDS = Histogram(
    "trackeep_request_seconds", "Time to answer a request, by view.", ["view", "method"]
)
CACHE_LOOKUPS = Counter(
    "trackeep_cache_lookups", "Cache-aside reads of the cache families, by result.", ["family", "result"]
)
RATELIMIT_DECISIONS = Counter(
    "trackeep_ratelimit_decisions", "Rate-limit checks, by policy and outcome.", ["policy", "decision"]
)
