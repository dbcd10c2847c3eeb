"""``manage.py seed_demo``: fill the instance with demo users and their data (``core.demo``).

``--users N --items M`` creates N users (``demo1``... with password ``trackeep-demo``) with about M
items each, the same for the same ``--seed``. A second run refuses while demo users exist, unless
``--force`` (replace them) or ``--skip-if-seeded`` (do nothing and succeed: ``make run DEMO=1``).
A progress bar goes to stderr (``-v 0`` hides it).
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core import demo

BAR_WIDTH = 30


class ProgressBar:
    """One line redrawn in place on a terminal, one line per step elsewhere (logs, CI)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()

    def __call__(self, label: str, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // max(1, total)
        line = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} {label}"
        if self.live:
            self.stream.write(f"\r{line:<70}" + ("\n" if done == total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Create demo users with bookmarks, tasks, notes, files and conversations (deterministic)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=3, help="demo users to create (default 3)")
        parser.add_argument("--items", type=int, default=300, help="items per user (default 300)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        replace = parser.add_mutually_exclusive_group()
        replace.add_argument("--force", action="store_true", help="replace existing demo users and data")
        replace.add_argument(
            "--skip-if-seeded", action="store_true", help="succeed without changes if demo users exist"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["users"] < 1 or options["items"] < 0:
            raise CommandError("--users must be at least 1 and --items at least 0.")
        verbosity = options["verbosity"]
        if options["skip_if_seeded"] and demo.demo_users().exists():
            if verbosity:
                self.stdout.write("Demo data is already there; nothing to do.")
            return
        started = time.perf_counter()
        # Dates are offsets from today's midnight, so a rerun the same day gives identical rows.
        anchor = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
        try:
            report = demo.seed(
                users=options["users"],
                items=options["items"],
                seed=options["seed"],
                anchor=anchor,
                force=options["force"],
                on_step=ProgressBar(sys.stderr) if verbosity else None,
            )
        except demo.AlreadySeeded as exc:
            raise CommandError(f"{exc}: use --force to replace them, or --skip-if-seeded.") from exc
        if not verbosity:
            return
        if report.replaced:
            self.stdout.write(f"Replaced {report.replaced} earlier demo user(s).")
        rows = ", ".join(f"{name} {count:,}" for name, count in report.rows.items())
        took = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {report.users} demo user(s) in {took:.1f}s ({rows} rows); "
                f"inserts {report.insert_seconds:.1f}s, cache invalidation and search index "
                f"{report.finish_seconds:.1f}s."
            )
        )
        self.stdout.write(
            "Search index rebuilt."
            if report.reindexed
            else "No search_reindex command: search index left as is."
        )
        self.stdout.write(f"Sign in as {demo.DEMO_USERNAME_PREFIX}1 with password {demo.DEMO_PASSWORD}.")
        if not get_user_model().objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "No admin account yet, and the first-run page only appears while there are no users: "
                "create one with `manage.py createsuperuser`."
            )
