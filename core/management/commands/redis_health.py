"""``manage.py redis_health``: metrics, alerts and circuit state of each Redis role.

Exits with status 1 when a role that is configured with Redis does not answer, so it can serve as a
deploy or cron probe. ``--eviction-window`` samples INFO twice to check the evictions-per-minute alert.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.redis.client import Role, is_redis_backed
from core.redis.health import role_health

ROLES: tuple[Role, ...] = ("cache", "state")


class Command(BaseCommand):
    help = "Report health metrics and alerts for the cache and state Redis roles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--eviction-window",
            type=float,
            default=0.0,
            metavar="SECONDS",
            help="sample INFO twice, this many seconds apart, to check the eviction rate (default: off)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        unreachable = []
        for role in ROLES:
            report = role_health(role, eviction_window=options["eviction_window"])
            if verbosity >= 1:
                self.stdout.write(self.style.MIGRATE_HEADING(f"{role}:"))
            if not is_redis_backed(role):
                if verbosity >= 1:
                    self.stdout.write(self.style.NOTICE(f"  {report.error} (local fallback in use)"))
                continue
            if not report.reachable:
                unreachable.append(role)
                self.stderr.write(self.style.ERROR(f"  {role}: unreachable: {report.error}"))
            for name, value in report.metrics.items():
                if verbosity >= 1:
                    self.stdout.write(f"  {name}: {value}")
            for alert in report.alerts:
                self.stdout.write(self.style.WARNING(f"  ALERT {role}: {alert}"))
            if report.reachable and not report.alerts and verbosity >= 1:
                self.stdout.write(self.style.SUCCESS("  no alerts"))
        if unreachable:
            raise CommandError(f"Redis unreachable for role(s): {', '.join(unreachable)}", returncode=1)
