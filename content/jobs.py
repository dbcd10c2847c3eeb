"""The content app's background jobs: running an import (``content.import_runs``)."""

from __future__ import annotations

from content import import_runs
from core import jobs


# No backoff: a waiting retry goes through RQ's scheduler, whose lock a killed worker holds for a minute.
@jobs.job(queue="low", retries=1, backoff=[0])
def run_import(run_id: int) -> None:
    """Import the file of ``ImportRun`` ``run_id``. Retried once, for a worker that died mid-run (the
    run stays "Importing"): the retry resumes after the chunks that committed. A run that failed
    says why on its page and is not run again."""
    import_runs.execute(run_id, resume=jobs.is_retry())
