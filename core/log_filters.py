"""Logging filters referenced by ``LOGGING`` in trackeep/settings.py.

``WithoutTraceback`` keeps a record's message and drops its traceback, for errors that are the
client's, not the server's: Django logs every request with a forged or unknown ``Host`` header
(``DisallowedHost``, answered 400) with a full traceback, which buries real failures in bot noise and
would trip the tests that fail on any traceback in a server log.
"""

from __future__ import annotations

import logging


class WithoutTraceback(logging.Filter):
    """Let the record through without its exception information."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True
