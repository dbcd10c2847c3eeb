"""Announce a domain event once the current transaction commits (nothing if it rolls back).

Apps tell each other what happened through Django signals sent after commit; a failing receiver is
logged and never undoes the write or stops the other receivers (``send_robust``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)


def announce(name: str, signal: Signal, sender: Any, **kwargs: Any) -> None:
    """Send ``signal`` (called ``name`` in logs) with ``kwargs`` after the transaction commits."""

    def publish() -> None:
        for receiver, result in signal.send_robust(sender=sender, **kwargs):
            if isinstance(result, Exception):
                logger.error("%s receiver %r failed", name, receiver, exc_info=result)

    transaction.on_commit(publish)
