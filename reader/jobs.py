"""The reader copy job, run by the workers on the ``low`` queue (retried with the default backoff)."""

from __future__ import annotations

from core import jobs
from reader import services


@jobs.job(queue="low", retries=3)
def build_reader_copy(bookmark_id: int) -> None:
    services.build_copy(bookmark_id)
