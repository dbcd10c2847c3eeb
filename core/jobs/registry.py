"""What the apps declare: jobs (``@job``) and periodic jobs (``register_periodic``).

A job is a module-level function marked with ``@job``, kept in its app's ``jobs.py`` (imported in
every process when the apps are ready, see core.apps). Workers run declared functions only, so a job
written into Redis by someone else cannot name any other callable. A periodic job is a declared job
plus a schedule, registered from the owning app's ``AppConfig.ready()``; ``manage.py jobs_scheduler``
enqueues it on time. Nothing here talks to Redis.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar, overload

from croniter import croniter

F = TypeVar("F", bound=Callable[..., Any])


class UndeclaredJob(LookupError):
    """A function that was not declared with ``@core.jobs.job`` was asked to run as a job."""


@dataclass(frozen=True)
class JobOptions:
    """How one job is queued. ``None`` means the project default (``JOBS_*`` settings)."""

    queue: str = "default"
    retries: int | None = None
    backoff: tuple[int, ...] | None = None
    timeout: int | None = None


@dataclass(frozen=True)
class PeriodicJob:
    """A declared job that the scheduler enqueues every ``interval`` seconds or on ``cron``."""

    name: str
    func: Callable[..., Any]
    interval: int | None = None
    cron: str | None = None
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


_declared: dict[str, tuple[Callable[..., Any], JobOptions]] = {}
_periodic: dict[str, PeriodicJob] = {}


def job_name(func: Callable[..., Any]) -> str:
    """The name RQ stores for ``func`` (its import path)."""
    return f"{func.__module__}.{func.__qualname__}"


@overload
def job(func: F, /) -> F: ...
@overload
def job(
    *,
    queue: str = "default",
    retries: int | None = None,
    backoff: Sequence[int] | None = None,
    timeout: int | None = None,
) -> Callable[[F], F]: ...
def job(
    func: F | None = None,
    /,
    *,
    queue: str = "default",
    retries: int | None = None,
    backoff: Sequence[int] | None = None,
    timeout: int | None = None,
) -> F | Callable[[F], F]:
    """Declare a module-level function as a job: ``@job`` or ``@job(queue="low", retries=5)``.

    ``retries``: runs after the first failure (0: none); ``backoff``: seconds to wait before each
    retry (the last value repeats); ``timeout``: seconds a run may take. The function is returned
    unchanged, so it can still be called directly.
    """
    options = JobOptions(
        queue=queue,
        retries=retries,
        backoff=tuple(backoff) if backoff is not None else None,
        timeout=timeout,
    )
    if retries is not None and retries < 0:
        raise ValueError("retries cannot be negative")
    if options.backoff is not None and (not options.backoff or min(options.backoff) < 0):
        raise ValueError("backoff needs at least one wait, none negative")

    def declare(function: F) -> F:
        if "<locals>" in function.__qualname__:
            raise ValueError(f"{job_name(function)}: a job must be a module-level function")
        _declared[job_name(function)] = (function, options)
        return function

    return declare(func) if func is not None else declare


def declared(name: str) -> Callable[..., Any] | None:
    """The declared job called ``name``, or None."""
    entry = _declared.get(name)
    return entry[0] if entry else None


def options_of(func: Callable[..., Any]) -> JobOptions:
    """The options ``func`` was declared with; UndeclaredJob if it was not declared."""
    entry = _declared.get(job_name(func))
    if entry is None or entry[0] is not func:
        raise UndeclaredJob(f"{job_name(func)} is not declared with @core.jobs.job")
    return entry[1]


def declared_jobs() -> dict[str, JobOptions]:
    """Every declared job's name and options (system checks, docs)."""
    return {name: options for name, (_, options) in _declared.items()}


def register_periodic(
    func: Callable[..., Any],
    *,
    every: timedelta | int | None = None,
    cron: str | None = None,
    name: str = "",
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
) -> PeriodicJob:
    """Run the declared job ``func`` every ``every`` (whole seconds) or on ``cron`` (local time).

    Call it from the owning app's ``AppConfig.ready()``. ``name`` (default: the job's import path)
    must be unique; registering the same definition again is a no-op.
    """
    options_of(func)  # only declared jobs can be scheduled
    if (every is None) == (cron is None):
        raise ValueError("give exactly one of every= and cron=")
    interval = None
    if every is not None:
        seconds = every.total_seconds() if isinstance(every, timedelta) else every
        if seconds < 1 or seconds != int(seconds):
            raise ValueError(f"every= must be a whole number of seconds, at least 1 (got {seconds})")
        interval = int(seconds)
    if cron is not None and not croniter.is_valid(cron):
        raise ValueError(f"not a cron expression: {cron!r}")
    periodic = PeriodicJob(
        name=name or job_name(func),
        func=func,
        interval=interval,
        cron=cron,
        args=tuple(args),
        kwargs=dict(kwargs or {}),
    )
    existing = _periodic.get(periodic.name)
    if existing is not None and existing != periodic:
        raise ValueError(f"a different periodic job is already registered as {periodic.name!r}")
    _periodic[periodic.name] = periodic
    return periodic


def periodic_jobs() -> list[PeriodicJob]:
    """Every registered periodic job, in registration order."""
    return list(_periodic.values())
