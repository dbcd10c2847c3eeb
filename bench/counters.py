"""Bench-only middleware: database queries and Redis round trips of each request, as headers.

Enabled by ``bench.settings`` when ``BENCH_COUNTERS=1``, only on the server of the counting pass, so
the timed passes run the unmodified stack. Queries are counted with ``connection.execute_wrapper``;
Redis round trips by wrapping redis-py's ``send_packed_command`` (sync and asyncio connections): one
call is one request/response exchange, and a pipeline or MULTI block is one call however many
commands it carries. The count lives in a context variable, which ``async_to_sync`` copies into the
event loop that broadcasts messages, so those round trips are counted too.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from redis import connection as sync_connection
from redis.asyncio import connection as async_connection

DB_HEADER = "X-Bench-DB-Queries"
REDIS_HEADER = "X-Bench-Redis-Round-Trips"

_round_trips: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("bench_redis", default=None)
_installed = False


def _count() -> None:
    counter = _round_trips.get()
    if counter is not None:
        counter[0] += 1


def install_redis_counting() -> None:
    """Wrap redis-py's send methods once per process."""
    global _installed
    if _installed:
        return
    sync_send = sync_connection.AbstractConnection.send_packed_command
    async_send = async_connection.AbstractConnection.send_packed_command

    @functools.wraps(sync_send)
    def counted_send(self: Any, *args: Any, **kwargs: Any) -> Any:
        _count()
        return sync_send(self, *args, **kwargs)

    @functools.wraps(async_send)
    async def counted_async_send(self: Any, *args: Any, **kwargs: Any) -> Any:
        _count()
        return await async_send(self, *args, **kwargs)

    sync_connection.AbstractConnection.send_packed_command = counted_send  # type: ignore[method-assign]
    async_connection.AbstractConnection.send_packed_command = counted_async_send  # type: ignore[method-assign]
    _installed = True


class CountersMiddleware:
    """Outermost middleware: everything the request does, session save included, is counted."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        install_redis_counting()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        queries = [0]
        round_trips = [0]

        def count_query(execute: Callable[..., Any], *args: Any) -> Any:
            queries[0] += 1
            return execute(*args)

        token = _round_trips.set(round_trips)
        try:
            with connection.execute_wrapper(count_query):
                response = self.get_response(request)
        finally:
            _round_trips.reset(token)
        response[DB_HEADER] = str(queries[0])
        response[REDIS_HEADER] = str(round_trips[0])
        return response
