"""The RQ job class (settings ``RQ["JOB_CLASS"]``): a job may only call a declared function.

RQ imports and calls whatever import path a job hash in Redis names. Workers resolve names through
core.jobs.registry instead, so a job forged by anyone who can write to Redis runs nothing but the
project's own jobs; it fails with UndeclaredJob (and is retried and kept as failed like any error).
Callbacks are resolved the same way (core.jobs itself sets none).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rq.job import Job

from core.jobs.registry import UndeclaredJob, declared


def _declared_or_refuse(name: str | None) -> Callable[..., Any] | None:
    if name is None:
        return None
    func = declared(name)
    if func is None:
        raise UndeclaredJob(f"{name!r} is not declared with @core.jobs.job")
    return func


class DeclaredJob(Job):
    """An RQ job whose function and callbacks come from the registry of declared jobs."""

    @property
    def func(self) -> Callable[..., Any] | None:
        if self.instance is not None:
            raise UndeclaredJob("jobs are module-level functions, not methods")
        return _declared_or_refuse(self.func_name)

    @property
    def success_callback(self) -> Any:
        return _declared_or_refuse(self._success_callback_name or None)

    @property
    def failure_callback(self) -> Any:
        return _declared_or_refuse(self._failure_callback_name or None)

    @property
    def stopped_callback(self) -> Any:
        return _declared_or_refuse(self._stopped_callback_name or None)
