"""gunicorn's hooks for Trackeep (gunicorn reads ``./gunicorn.conf.py`` from its working directory:
``/app`` in the image, the checkout in development). The command-line flags live in the Dockerfile.

- ``post_worker_init``: each worker, once it has loaded Django, listens for system events
  (core.system_events): a thread started before the fork (``--preload``) would not exist in the child.
- ``child_exit``: with ``PROMETHEUS_MULTIPROC_DIR`` set, a worker that exits has its live gauges
  (``livesum``/``livemax``: WebSocket connections, breaker state) dropped from the figures
  (docs/operations.md, "Metrics").
"""

from __future__ import annotations

import os
from typing import Any


def post_worker_init(worker: Any) -> None:
    from core.system_events import subscriber

    subscriber.start()


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
