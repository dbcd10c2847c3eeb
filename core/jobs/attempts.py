"""Which run of a job this is: a job that takes over work an earlier run left half done (an import
whose worker was killed) asks ``is_retry()`` inside the worker."""

from __future__ import annotations

from rq.job import get_current_job

from core.jobs.queueing import retry_policy
from core.jobs.registry import declared, options_of


def is_retry() -> bool:
    """Inside a worker: is the running job a retry (an earlier run of it failed, or its worker died
    and it was abandoned)? False outside a job."""
    job = get_current_job()
    function = declared(job.func_name) if job is not None and job.func_name else None
    if job is None or function is None or job.retries_left is None:
        return False
    policy = retry_policy(options_of(function))
    return policy is not None and job.retries_left < policy.max
