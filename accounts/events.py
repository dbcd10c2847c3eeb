"""Signals other apps listen to (messaging closes the sockets of revoked sessions)."""

from django.dispatch import Signal

# Sent after sessions were deleted. kwargs: user_id (int), session_keys (list[str]), reason (str).
sessions_revoked = Signal()
