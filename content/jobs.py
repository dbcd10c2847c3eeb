"""The content app's background jobs: running an import (``content.import_runs``)."""

from __future__ import annotations

from content import import_runs
from core import jobs


@jobs.job(queue="low", retries=0)
def run_import(run_id: int) -> None:
    """Import the file of ``ImportRun`` ``run_id``; not retried (a failed run says why on its page)."""
    import_runs.execute(run_id)
