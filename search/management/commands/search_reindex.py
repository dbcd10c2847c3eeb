"""``manage.py search_reindex``: rebuild the search index from content (Wagtail ``update_index`` style).

The index normally follows content through ``content_changed`` events; this command rebuilds it
after a restore, a failed event receiver, or a change in what is indexed. Each selected user's items
are walked in primary-key order, ``--chunk-size`` items per upsert and transaction; rows of items
that no longer exist are removed; then the user's search generation is bumped so no cached result
predates the rebuild. ``--missing`` indexes only the items that have no index row (what an
interrupted import or a failed receiver left out), fast enough to run after any outage.
``--dry-run`` only counts.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.management.users import id_chunks, selection_from_options
from search import indexing
from search.caches import SEARCH
from search.models import KINDS


class Command(BaseCommand):
    help = "Rebuild the search index for every user (default) or the given ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", type=int, action="append", default=[], metavar="ID", help="a user id")
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=indexing.CHUNK_SIZE,
            help=f"items per upsert and transaction (default {indexing.CHUNK_SIZE})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be indexed, change nothing"
        )
        parser.add_argument("--missing", action="store_true", help="index only items missing from the index")

    def handle(self, *args: Any, **options: Any) -> None:
        chunk_size, dry_run, verbosity = options["chunk_size"], options["dry_run"], options["verbosity"]
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        selection = selection_from_options(options, default_all=True)
        for missing in selection.missing_ids():
            self.stderr.write(self.style.WARNING(f"No user with id {missing}; skipped."))
        total_users = selection.queryset().count()
        if not total_users:
            raise CommandError("No users selected.")
        if verbosity >= 1:
            lead = "Dry run: would reindex" if dry_run else "Reindexing"
            self.stdout.write(self.style.MIGRATE_HEADING(f"{lead} {total_users} user(s)"))
        items: Counter[str] = Counter()
        stale: Counter[str] = Counter()
        done = 0
        for user_ids in id_chunks(selection, chunk_size):
            for user_id in user_ids:
                report = indexing.rebuild_user(
                    user_id,
                    chunk_size,
                    dry_run,
                    progress=self._progress(user_id) if verbosity >= 3 else None,
                    missing_only=options["missing"],
                )
                if not dry_run:
                    SEARCH.invalidate(user_id)
                items.update(report.items)
                stale.update(report.stale)
                done += 1
                if verbosity >= 2:
                    self.stdout.write(
                        f"  user {user_id}: {self._counts(report.items)}; stale {sum(report.stale.values())}"
                    )
            if verbosity >= 1:
                self.stdout.write(f"  {done}/{total_users} users")
        if verbosity >= 1:
            verb = "would index" if dry_run else "indexed"
            gone = "would remove" if dry_run else "removed"
            summary = f"Done: {verb} {self._counts(items)}; {gone} {sum(stale.values())} stale row(s)."
            self.stdout.write(self.style.SUCCESS(summary))

    def _progress(self, user_id: int) -> Any:
        def report(kind: str, count: int) -> None:
            self.stdout.write(f"    user {user_id}: {count} {kind}(s)")

        return report

    @staticmethod
    def _counts(counts: dict[str, int] | Counter[str]) -> str:
        return ", ".join(f"{counts.get(kind, 0)} {kind}(s)" for kind in KINDS)
