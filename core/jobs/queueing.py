"""Putting declared jobs on the queue: now (``enqueue``) or when the transaction commits.

``enqueue_on_commit`` is what services call inside ``transaction.atomic()``: the job is sent only
after the commit, so the worker sees the rows it was told about, and never after a rollback. Every
job gets its declared (or the default) retries with backoff, timeout and failed-job lifetime.
Arguments travel as JSON: pass ids and strings, not model instances.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

import django_rq
import redis
from django.conf import settings
from django.core.signals import setting_changed
from django.db import transaction
from redis.client import Pipeline
from rq import Queue, Retry
from rq.job import Job

from core.jobs.registry import JobOptions, job_name, options_of

logger = logging.getLogger(__name__)


@functools.cache
def _connection(queue: str) -> redis.Redis:
    # django-rq opens a new pool per call; one per process and queue is enough.
    return django_rq.get_connection(queue)


def _forget_connections(*, setting: str, **kwargs: Any) -> None:
    if setting == "RQ_QUEUES":
        _connection.cache_clear()


setting_changed.connect(_forget_connections)


def get_queue(name: str = "default") -> Queue:
    """The RQ queue ``name`` (one of ``settings.JOBS_QUEUES``) on the state Redis."""
    return django_rq.get_queue(name, connection=_connection(name))


def retry_policy(options: JobOptions) -> Retry | None:
    """RQ's Retry for a job declared with ``options`` (None when it must not be retried)."""
    retries = settings.JOBS_RETRIES if options.retries is None else options.retries
    if retries == 0:
        return None
    backoff = options.backoff if options.backoff is not None else settings.JOBS_RETRY_BACKOFF_SECONDS
    return Retry(max=retries, interval=list(backoff))


def enqueue_call(
    func: Callable[..., Any],
    args: tuple[Any, ...] | list[Any],
    kwargs: dict[str, Any],
    *,
    pipeline: Pipeline | None = None,
) -> Job:
    """Enqueue the declared job ``func(*args, **kwargs)`` now (in ``pipeline`` when given)."""
    options = options_of(func)
    return get_queue(options.queue).enqueue_call(
        func,
        args=args,
        kwargs=kwargs,
        timeout=options.timeout or settings.JOBS_TIMEOUT_SECONDS,
        retry=retry_policy(options),
        failure_ttl=settings.JOBS_FAILED_TTL_SECONDS,
        pipeline=pipeline,
    )


def enqueue(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
    """Enqueue the declared job ``func(*args, **kwargs)`` at once (outside any transaction)."""
    return enqueue_call(func, args, kwargs)


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
    stands and the failure is logged as an error (the job is not sent), unless ``inline_if_refused``:
    then the job runs right there, in this process, after the commit (for work that must not be
    lost and is cheap enough to do in the request when the queue is away).
    """
    options_of(func)
    json.dumps([args, kwargs])  # TypeError now rather than after the commit

    def send() -> None:
        try:
            enqueue_call(func, args, kwargs)
        except redis.RedisError as exc:
            if not inline_if_refused:
                logger.error("Job %s was not enqueued after commit: %s", job_name(func), exc)
                return
            logger.warning("Job %s was not enqueued (%s): running it here", job_name(func), exc)
            func(*args, **kwargs)

    transaction.on_commit(send, using=using)
