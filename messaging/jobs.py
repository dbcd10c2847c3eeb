"""Messaging's background job: the notifications of a new message, written after its broadcast."""

from __future__ import annotations

from core import jobs
from messaging import services


@jobs.job
def notify_about_message(message_id: int) -> None:
    services.notify_about_message(message_id)
