"""``manage.py redis_health``: metrics, alerts, circuit and pool state of each Redis role.

A deploy or cron probe: exits with status 1 when a role that is configured with Redis does not
answer, with status 3 when every role answers but at least one alert was printed, 0 when healthy
(2 is a usage error, e.g. a bad ``--eviction-window``).
``--eviction-window`` samples INFO twice to check the evictions-per-minute alert. The pool line shows
this command's own process (the running servers' pools are on ``/readyz`` for staff).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.management.arguments import seconds
from core.redis.client import Role, is_redis_backed
from core.redis.health import role_health

ROLES: tuple[Role, ...] = ("cache", "state")
MAX_EVICTION_WINDOW_SECONDS = 600.0
EXIT_UNREACHABLE = 1
EXIT_ALERTS = 3  # 2 is argparse's usage error


class Command(BaseCommand):
    help = "Report health metrics and alerts for the cache and state Redis roles (exit 1 down, 3 alerts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--eviction-window",
            type=seconds(MAX_EVICTION_WINDOW_SECONDS),
            default=None,
            metavar="SECONDS",
            help="sample INFO twice, this many seconds apart (more than 0, at most "
            f"{MAX_EVICTION_WINDOW_SECONDS:g}), to check the eviction rate (default: off)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        unreachable, alerting = [], []
        for role in ROLES:
            report = role_health(role, eviction_window=options["eviction_window"] or 0.0)
            if verbosity >= 1:
                self.stdout.write(self.style.MIGRATE_HEADING(f"{role}:"))
            if not is_redis_backed(role):
                if verbosity >= 1:
                    self.stdout.write(self.style.NOTICE(f"  {report.error} (local fallback in use)"))
                continue
            if not report.reachable:
                unreachable.append(role)
                self.stderr.write(self.style.ERROR(f"  {role}: unreachable: {report.error}"))
            if verbosity >= 1:
                for name, value in report.metrics.items():
                    self.stdout.write(f"  {name}: {value}")
                if report.pool is not None:
                    numbers = ", ".join(f"{name} {value}" for name, value in report.pool.as_dict().items())
                    self.stdout.write(f"  pool (this process): {numbers}")
            for alert in report.alerts:
                self.stdout.write(self.style.WARNING(f"  ALERT {role}: {alert}"))
            if report.alerts:
                alerting.append(role)
            elif report.reachable and verbosity >= 1:
                self.stdout.write(self.style.SUCCESS("  no alerts"))
        if unreachable:
            raise CommandError(
                f"Redis unreachable for role(s): {', '.join(unreachable)}", returncode=EXIT_UNREACHABLE
            )
        if alerting:
            raise CommandError(f"Redis alerts for role(s): {', '.join(alerting)}", returncode=EXIT_ALERTS)
