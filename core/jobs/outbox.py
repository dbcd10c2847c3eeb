"""Sending jobs after a commit, and the outbox where those Redis refuses wait for it.

``enqueue_on_commit`` is what services call inside ``transaction.atomic()``: the job is sent only
after the commit, so the worker sees the rows it was told about, and never after a rollback. When
Redis is unreachable at that moment the job is written to ``DeferredJob`` instead of being lost, and
the periodic job
``requeue-deferred-jobs`` hands the rows to the queue once Redis answers again (it is itself enqueued
through Redis, so it runs only then). Delivery is at least once: a job enqueued just before its row
could be deleted may run twice, so jobs must tolerate a repeat (ours look rows up by id and skip what
is done).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import redis
from django.db import transaction

from core.jobs.queueing import enqueue_call
from core.jobs.registry import declared, job, job_name, options_of, register_periodic
from core.models import DeferredJob

logger = logging.getLogger(__name__)

REQUEUE_EVERY = timedelta(seconds=30)
BATCH = 500


def enqueue_on_commit(
    func: Callable[..., Any],
    *args: Any,
    using: str | None = None,
    inline_if_refused: bool = False,
    **kwargs: Any,
) -> None:
    """Enqueue ``func(*args, **kwargs)`` when the current transaction on ``using`` commits.

    Outside a transaction it is sent at once. A function that is not a declared job, or arguments
    that are not JSON, fail here, in the caller. If Redis refuses the job at commit time the commit
    stands and the job waits in the database until Redis takes it; with ``inline_if_refused`` it
    runs right there instead, in this process (for work that is cheap and should not wait for Redis,
    such as notification rows).
    """
    options_of(func)
    json.dumps([args, kwargs])  # TypeError now rather than after the commit

    def send() -> None:
        try:
            enqueue_call(func, args, kwargs)
        except redis.RedisError as exc:
            if inline_if_refused:
                logger.warning("Job %s was not enqueued (%s): running it here", job_name(func), exc)
                func(*args, **kwargs)
            else:
                defer(func, args, kwargs, exc)

    transaction.on_commit(send, using=using)


def defer(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], error: Exception) -> None:
    """Keep ``func(*args, **kwargs)`` in the database because Redis refused it (``error``)."""
    DeferredJob.objects.create(name=job_name(func), args=list(args), kwargs=kwargs, error=str(error)[:300])
    logger.warning("Job %s deferred to the database: Redis refused it (%s)", job_name(func), error)


def requeue_deferred() -> int:
    """Enqueue the deferred jobs, oldest first; returns how many went to the queue."""
    sent = 0
    for row in DeferredJob.objects.all()[:BATCH]:
        func = declared(row.name)
        if func is None:
            logger.error("Deferred job %s is no longer declared; dropped (args %r)", row.name, row.args)
        else:
            try:
                enqueue_call(func, row.args, row.kwargs)
            except redis.RedisError as exc:
                logger.warning("Deferred jobs wait: Redis refused them again (%s)", exc)
                break
            sent += 1
        row.delete()
    return sent


@job(retries=0, timeout=120)
def requeue_deferred_jobs() -> None:
    """The periodic job: hand the deferred jobs to the queue."""
    requeue_deferred()


def register() -> None:
    register_periodic(requeue_deferred_jobs, every=REQUEUE_EVERY, name="requeue-deferred-jobs")
