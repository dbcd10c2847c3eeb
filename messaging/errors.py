"""Errors the messaging services raise; views turn them into form errors, sockets into error events.

Not-a-member and not-found are ``django.http.Http404`` (the same answer for both, so nobody learns
which conversations exist); a member doing what their role does not allow is ``PermissionDenied``.
"""


class MessagingError(Exception):
    """Bad input or a state that forbids the action (archived conversation...); safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
