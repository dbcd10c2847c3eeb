"""Process-level rate-limit counters: denials, and the checks Redis could not answer.

``fail_open`` counts requests admitted unchecked because Redis failed (policies with outage mode
``open``); ``local_fallback`` counts checks the in-process limiter decided instead. Counters are per
process and start at zero; the outage log lines carry them, and ``snapshot()`` is for tests and
operators' tooling.
"""

from __future__ import annotations

import threading
from collections import Counter

DENIED = "denied"
FAIL_OPEN = "fail_open"
LOCAL_FALLBACK = "local_fallback"

_lock = threading.Lock()
_counts: Counter[tuple[str, str]] = Counter()


def record(event: str, policy: str) -> int:
    """Count one ``event`` of ``policy``; returns the new total of that pair."""
    with _lock:
        _counts[event, policy] += 1
        return _counts[event, policy]


def count(event: str, policy: str | None = None) -> int:
    """The total of ``event``, for one policy or for all."""
    with _lock:
        return sum(n for (e, p), n in _counts.items() if e == event and policy in (None, p))


def snapshot() -> dict[str, dict[str, int]]:
    """``{event: {policy: count}}``, a copy."""
    with _lock:
        result: dict[str, dict[str, int]] = {}
        for (event, policy), n in _counts.items():
            result.setdefault(event, {})[policy] = n
        return result
