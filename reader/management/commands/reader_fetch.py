"""``manage.py reader_fetch --missing``: (re)build the reader copies that are missing, in this process.

Walks bookmarks without a ready copy (``--skip-failed`` leaves failed ones alone; ``--user`` limits to
one owner) in primary-key order and prints one progress line per bookmark, then a summary. Transient
failures are recorded on the copy like permanent ones; run the command again to retry them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reader import selectors, services
from reader.models import ReaderCopy


class Command(BaseCommand):
    help = "Fetch reader copies of bookmarks that have none (or a failed one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--missing", action="store_true", help="Fetch every bookmark without a ready copy."
        )
        parser.add_argument(
            "--skip-failed", action="store_true", help="Leave copies that failed before alone."
        )
        parser.add_argument("--user", type=int, help="Only this user's bookmarks (user id).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["missing"]:
            raise CommandError("say which copies to fetch: --missing")
        bookmarks = selectors.missing(include_failed=not options["skip_failed"])
        if options["user"] is not None:
            bookmarks = bookmarks.filter(owner_id=options["user"])
        ids = list(bookmarks.values_list("pk", flat=True))
        total, ready = len(ids), 0
        for number, pk in enumerate(ids, start=1):
            try:
                copy = services.build_copy(pk)
            except services.TransientFetchFailure:
                copy = ReaderCopy.objects.filter(bookmark_id=pk).first()
            state = "gone" if copy is None else copy.status
            if copy is not None and copy.status == ReaderCopy.Status.READY:
                ready += 1
            detail = f": {copy.error}" if copy is not None and copy.error else ""
            self.stdout.write(f"[{number}/{total}] bookmark {pk}: {state}{detail}")
        self.stdout.write(self.style.SUCCESS(f"{ready} of {total} reader copies fetched."))
