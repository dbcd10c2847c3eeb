"""System checks for the job queue: settings in range, declared queues exist, RQ's keys under our prefix."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register

from core.jobs.registry import declared_jobs

# Each JOBS_* number and its smallest sensible value.
MINIMUMS = {
    "JOBS_TIMEOUT_SECONDS": 1,
    "JOBS_RETRIES": 0,
    "JOBS_RESULT_TTL_SECONDS": 0,
    "JOBS_FAILED_TTL_SECONDS": 1,
    "JOBS_HEARTBEAT_SECONDS": 1,
    "JOBS_ABANDONED_GRACE_SECONDS": 1,
    "JOBS_MAINTENANCE_SECONDS": 1,
}


@register()
def check_job_settings(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = [
        Error(f"{name} must be at least {minimum} (it is {getattr(settings, name)}).", id="trackeep.E011")
        for name, minimum in MINIMUMS.items()
        if getattr(settings, name) < minimum
    ]
    backoff = settings.JOBS_RETRY_BACKOFF_SECONDS
    if not backoff or min(backoff) < 0:
        errors.append(
            Error("JOBS_RETRY_BACKOFF_SECONDS needs at least one wait, none negative.", id="trackeep.E011")
        )
    return errors


@register()
def check_job_queues(app_configs: Any, **kwargs: Any) -> list[Error]:
    return [
        Error(
            f"Job {name} is declared on queue {options.queue!r}, which is not configured.",
            hint=f"Use one of settings.JOBS_QUEUES: {', '.join(settings.JOBS_QUEUES)}.",
            id="trackeep.E010",
        )
        for name, options in declared_jobs().items()
        if options.queue not in settings.JOBS_QUEUES or options.queue not in settings.RQ_QUEUES
    ]


@register()
def check_rq_key_prefix(app_configs: Any, **kwargs: Any) -> list[Warning]:
    from rq.defaults import RQ_KEY_PREFIX

    if RQ_KEY_PREFIX == settings.JOBS_KEY_PREFIX:
        return []
    return [
        Warning(
            f"RQ keeps its keys under {RQ_KEY_PREFIX!r}, not {settings.JOBS_KEY_PREFIX!r}.",
            hint="Unset RQ_KEY_PREFIX (settings derive it from REDIS_KEY_PREFIX) and import rq only "
            "after Django's settings; the compose ACL refuses keys outside the prefix.",
            id="trackeep.W010",
        )
    ]
