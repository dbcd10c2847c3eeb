"""``manage.py system_events``: list the process-memory caches, or clear some in every process.

``--invalidate NAME ...`` (or ``--invalidate all``) publishes a ``cache.invalidate`` system event
(core.system_events): every listening server and worker process clears those caches at once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import system_events


class Command(BaseCommand):
    help = "List the process-memory caches, or clear them in every process (--invalidate NAME|all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--invalidate", nargs="+", metavar="NAME", help="cache names, or 'all'")

    def handle(self, *args: Any, **options: Any) -> None:
        known = system_events.registered_caches()
        names = options["invalidate"]
        if not names:
            for name in known:
                self.stdout.write(name)
            return
        chosen = [] if names == ["all"] else names
        unknown = sorted(set(chosen) - set(known))
        if unknown:
            raise CommandError(f"Unknown cache(s) {', '.join(unknown)}; known: {', '.join(known)}.")
        receivers = system_events.invalidate_caches(chosen)
        what = ", ".join(chosen) or "every cache"
        done = f"Cleared {what} here and in {receivers} listening process(es)."
        self.stdout.write(self.style.SUCCESS(done))
