"""Message delivery figures for ``make bench``: the one call the runner makes for them.

``delivery_figures`` is the integration point: it returns the p95 of fan-out alone and of delivery
including the POST, for ``sockets`` WebSockets over two Daphne instances sharing the bench's state
Redis. It runs ``bench.delivery`` (``bench.fanout``), which times every delivery from just before
the POST ("incl. POST") and from the event's own timestamp ("fan-out alone"); the keys below are
what ``bench.rows`` reads.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bench import delivery, stack

POLICIES_VARIABLE = "RATE_LIMIT_POLICIES_JSON"
# The budgets a burst of posts from one sender spends (messages: 30 a minute in production).
LIFTED_POLICIES = ("general", "messages")


@contextmanager
def limits_out_of_reach() -> Iterator[None]:
    """The delivery cluster's servers inherit this process's environment (``bench.appservers``):
    lift the budgets the posts would spend, as ``bench.stack.app_env`` does for gunicorn."""
    saved = os.environ.get(POLICIES_VARIABLE)
    os.environ[POLICIES_VARIABLE] = json.dumps({name: {"limit": stack.UNLIMITED} for name in LIFTED_POLICIES})
    try:
        yield
    finally:
        if saved is None:
            del os.environ[POLICIES_VARIABLE]
        else:
            os.environ[POLICIES_VARIABLE] = saved


def delivery_figures(redis_url: str, sockets: int, messages: int) -> dict[str, Any]:
    """``sockets``, ``instances``, ``messages``, ``delivered``, ``expected``, ``fanout_p95`` and
    ``incl_post_p95`` (milliseconds), plus what the benchmark printed."""
    with limits_out_of_reach():
        figures = delivery.run(redis_url, sockets, messages)
    return {
        "sockets": figures["clients"],
        "instances": figures["instances"],
        "messages": figures["messages"],
        "delivered": figures["delivered"],
        "expected": figures["expected"],
        "fanout_p95": figures["fanout_p95"],
        "incl_post_p95": figures["p95"],
        "incl_post_p50": figures["p50"],
        "post_p95": figures["post_p95"],
        "printout": figures["printout"],
    }
