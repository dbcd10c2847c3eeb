"""``manage.py analytics_rebuild``: recompute derived analytics from the database.

For each selected user (``--users all`` by default, or ``--user ID`` / ``--users 3,7``), in
primary-key order, one chunk at a time: the daily activity roll-up, the learning and habit streak
hashes, today's habit counts and the running timer in Redis (``--only rollup,streaks,redis_state``
picks some). Use it after restoring a database, after a Redis flush (everything is also rebuilt
lazily on first read), or from a nightly job.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.rebuild import PARTS, rebuild_users
from core.management.users import add_selection_arguments, id_chunks, selection_from_options


class Command(BaseCommand):
    help = "Rebuild the activity roll-up, streaks and Redis state of users from the database."

    def add_arguments(self, parser: CommandParser) -> None:
        add_selection_arguments(parser, default_all=True)
        parser.add_argument(
            "--only", default=",".join(PARTS), help=f"comma-separated subset of: {', '.join(PARTS)}"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        parts = tuple(part.strip() for part in options["only"].split(",") if part.strip())
        unknown = sorted(set(parts) - set(PARTS))
        if unknown or not parts:
            raise CommandError(f"--only takes a comma-separated subset of {', '.join(PARTS)}.")
        selection = selection_from_options(options, default_all=True)
        for missing in selection.missing_ids():
            self.stderr.write(self.style.WARNING(f"No user with id {missing}; skipped."))
        total = selection.queryset().count()
        if not total:
            raise CommandError("No users selected.")
        done = 0
        for chunk in id_chunks(selection, options["chunk_size"]):
            done += rebuild_users(chunk, parts)
            if options["verbosity"] >= 1:
                self.stdout.write(f"  {done}/{total} users")
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"Rebuilt {', '.join(parts)} for {done} user(s)."))
