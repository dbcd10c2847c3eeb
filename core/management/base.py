"""Base of the per-user cache commands, in the shape of Wagtail's ``update_index``.

Selected users are walked in primary-key order, one chunk per database query, with a progress line
per chunk (``-v 2`` adds one line per user, ``-v 0`` prints only errors). ``--dry-run`` counts and
lists without touching Redis. Before writing, the cache role must be a reachable Redis: a local
in-process cache belongs to each app process and cannot be reached from a command, and a silent
no-op (the cache alias ignores errors) would report work that never happened.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.management.users import add_selection_arguments, id_chunks, selection_from_options
from core.redis.client import is_redis_backed
from core.redis.families import CacheFamily
from core.redis.health import ping


def require_shared_cache() -> None:
    """Raise CommandError unless the cache role is a Redis that answers."""
    if not is_redis_backed("cache"):
        raise CommandError(
            "The cache role is not Redis (REDIS_CACHE_ENABLED is off): each app process keeps its "
            "own local cache, which this command cannot reach."
        )
    if not ping("cache"):
        raise CommandError("The cache Redis does not answer; nothing was changed.")


class UserChunkCommand(BaseCommand):
    """Subclasses set ``default_all_users`` and implement ``describe`` and ``process``."""

    default_all_users = False

    def add_arguments(self, parser: CommandParser) -> None:
        add_selection_arguments(parser, default_all=self.default_all_users)
        parser.add_argument("--dry-run", action="store_true", help="count and list, change nothing")

    def describe(self, options: dict[str, Any]) -> str:
        """What is done to each user, e.g. 'invalidate search, profile'."""
        raise NotImplementedError

    def process(self, user_ids: list[int], options: dict[str, Any]) -> None:
        """Do the work for one chunk of user ids."""
        raise NotImplementedError

    def process_global(self, options: dict[str, Any]) -> list[CacheFamily]:
        """Do the work that is not per user (global cache families), once; returns what it did."""
        return []

    def handle(self, *args: Any, **options: Any) -> None:
        selection = selection_from_options(options, default_all=self.default_all_users)
        action = self.describe(options)
        verbosity, dry_run = options["verbosity"], options["dry_run"]
        for missing in selection.missing_ids():
            self.stderr.write(self.style.WARNING(f"No user with id {missing}; skipped."))
        total = selection.queryset().count()
        if not total:
            raise CommandError("No users selected.")
        if not dry_run:
            require_shared_cache()
        if verbosity >= 1:
            lead = "Dry run: would" if dry_run else "Going to"
            self.stdout.write(self.style.MIGRATE_HEADING(f"{lead} {action} for {total} user(s)"))
        if not dry_run:
            for done_globally in self.process_global(options):
                if verbosity >= 1:
                    self.stdout.write(f"  {done_globally.name}: global, done once")
        done = 0
        for chunk in id_chunks(selection, options["chunk_size"]):
            if not dry_run:
                self.process(chunk, options)
                if not ping("cache"):
                    raise CommandError(
                        f"The cache Redis stopped answering after {done + len(chunk)} of {total} users "
                        f"(last id {chunk[-1]}); run the command again."
                    )
            done += len(chunk)
            if verbosity >= 2:
                for user_id in chunk:
                    self.stdout.write(f"    user {user_id}")
            if verbosity >= 1:
                self.stdout.write(f"  {done}/{total} users")
        if verbosity >= 1:
            verb = "Dry run complete: nothing changed" if dry_run else f"Done: {action}"
            self.stdout.write(self.style.SUCCESS(f"{verb} ({done} user(s))."))
