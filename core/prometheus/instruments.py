"""The counters, gauges and histograms the code updates (names and labels in one place).

Gauges say how prometheus-client's multiprocess mode combines the processes' values: ``livesum``
(WebSocket connections: the sum over the processes alive now) and ``livemax`` (breaker state: the
worst any live process sees); ``gunicorn.conf.py`` drops an exited worker's live gauges.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUEST_SECONDS = Histogram(
    "trackeep_request_seconds", "Time to answer a request, by view.", ["view", "method"]
)
CACHE_LOOKUPS = Counter(
    "trackeep_cache_lookups", "Cache-aside reads of the cache families, by result.", ["family", "result"]
)
RATELIMIT_DECISIONS = Counter(
    "trackeep_ratelimit_decisions", "Rate-limit checks, by policy and outcome.", ["policy", "decision"]
)

BREAKER_STATE = Gauge(
    "trackeep_redis_breaker_state",
    "Circuit breaker of each Redis role: 0 closed, 1 half-open, 2 open (as of the last attempt).",
    ["role"],
    multiprocess_mode="livemax",
)
WEBSOCKET_CONNECTIONS = Gauge(
    "trackeep_websocket_connections",
    "Open WebSocket connections, by consumer.",
    ["consumer"],
    multiprocess_mode="livesum",
)
CHANNEL_LAYER_SENDS = Counter(
    "trackeep_channel_layer_sends",
    "Group sends through the channel layer, by outcome (ok, timeout, error, breaker_open).",
    ["outcome"],
)
