"""Background jobs on the Redis state role: RQ through django-rq (docs/architecture.md, "Job queue").

In an app's ``jobs.py``::

    from core import jobs

    @jobs.job(queue="low", retries=5)
    def build_reader_copy(bookmark_id: int) -> None: ...

From a service, inside its transaction::

    jobs.enqueue_on_commit(build_reader_copy, bookmark.id)

A recurring job, from the app's ``AppConfig.ready()``::

    jobs.register_periodic(rollup_day, cron="5 0 * * *")

Workers run ``manage.py rqworker --with-scheduler default low``; the periodic jobs are enqueued by
``manage.py jobs_scheduler``.
"""

from core.jobs.attempts import is_retry
from core.jobs.outbox import enqueue_on_commit
from core.jobs.queueing import enqueue, get_queue
from core.jobs.registry import UndeclaredJob, job, periodic_jobs, register_periodic

__all__ = [
    "UndeclaredJob",
    "enqueue",
    "enqueue_on_commit",
    "get_queue",
    "is_retry",
    "job",
    "periodic_jobs",
    "register_periodic",
]
