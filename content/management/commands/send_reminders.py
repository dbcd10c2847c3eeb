"""``manage.py send_reminders [--loop SECONDS]``: deliver the task reminders that are due."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from content.reminders import deliver_due


class Command(BaseCommand):
    help = "Send the task reminders that are due (once, or every --loop seconds)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop", type=float, default=0, metavar="SECONDS", help="keep running, checking this often"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["loop"]
        if every < 0 or (0 < every < 1):
            raise CommandError("--loop takes a number of seconds, at least 1 (0: run once)")
        while True:
            sent = deliver_due()
            if sent and options["verbosity"] >= 1:
                self.stdout.write(f"sent {sent} reminder{'s' if sent != 1 else ''}")
            if not every:
                return
            time.sleep(every)
