"""``manage.py ratelimit``: every limit, and one identity's standing across them, for operators.

- ``ratelimit policies`` prints the table of limits (the settings after environment overrides);
- ``ratelimit show --user ID | --ip ADDR`` prints used / remaining / reset per policy, spending nothing;
- ``ratelimit reset --user ID | --ip ADDR [--policy NAME]`` deletes those budgets, so the identity
  starts fresh (a user's budgets include login attempts under their username and email).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.management.arguments import ip_address, positive_int
from core.ratelimit import identity, selectors, services
from core.ratelimit.base import Check
from core.ratelimit.policies import all_policies
from core.redis.errors import RedisUnavailable


class Command(BaseCommand):
    help = "List rate-limit policies; show or reset one user's or one address's budgets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("policies", "show", "reset"))
        who = parser.add_mutually_exclusive_group()
        who.add_argument("--user", type=positive_int, metavar="ID", help="a user id")
        who.add_argument("--ip", type=ip_address, metavar="ADDR", help="a client IPv4 or IPv6 address")
        parser.add_argument("--policy", metavar="NAME", help="only this policy (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "policies":
            self._policies()
            return
        label, checks = self._selection(options)
        if not settings.REDIS_RATELIMIT_ENABLED:
            raise CommandError(
                "REDIS_RATELIMIT_ENABLED is off: each server process keeps its own limits, which this "
                "command cannot reach. Use the admin page (Rate limits) of the running server."
            )
        try:
            if options["action"] == "show":
                self._show(label, checks)
            else:
                found = services.reset(checks, target=label)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Reset {label}: {found} active budget(s) deleted across {len(checks)}."
                    )
                )
        except RedisUnavailable as exc:
            raise CommandError(f"The rate-limit Redis (state role) is unreachable: {exc}") from exc

    def _selection(self, options: dict[str, Any]) -> tuple[str, list[Check]]:
        if options["user"] is not None:
            user = get_user_model().objects.filter(pk=options["user"]).first()
            if user is None:
                raise CommandError(f"No user with id {options['user']}.")
            label, checks = f"user {user.pk} ({user.get_username()})", identity.checks_for_user(user)
        elif options["ip"]:
            label, checks = f"address {options['ip']}", identity.checks_for_ip(options["ip"])
        else:
            raise CommandError("Give --user ID or --ip ADDR.")
        if options["policy"]:
            names = {p.name for p in all_policies()}
            if options["policy"] not in names:
                raise CommandError(f"No policy {options['policy']!r}; policies: {', '.join(sorted(names))}.")
            checks = [c for c in checks if c.policy.name == options["policy"]]
        return label, checks

    def _policies(self) -> None:
        row = "{:<15} {:>6} {:>8}  {:<22} {:<15} {:<6} {}"
        self.stdout.write(
            row.format("policy", "limit", "window", "algorithm", "identity", "outage", "applies to")
        )
        for p in all_policies():
            scope = ", ".join([*p.paths, *p.url_names]) or ("every other request" if p.fallback else "")
            if p.methods:
                scope = f"{'/'.join(p.methods)} {scope}"
            if p.enforced_by != "middleware":
                scope = f"{scope} (applied by {p.enforced_by})".strip()
            self.stdout.write(
                row.format(p.name, p.limit, f"{p.window:g}s", p.algorithm, p.identity, p.outage, scope)
            )

    def _show(self, label: str, checks: list[Check]) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"Rate limits of {label}"))
        row = "{:<15} {:<34} {:>6} {:>6} {:>6}  {}"
        self.stdout.write(row.format("policy", "identity", "limit", "used", "left", "full again in"))
        for usage in selectors.usage(checks):
            resets = f"{usage.reset_seconds:.1f}s" if usage.used else "-"
            self.stdout.write(
                row.format(
                    usage.policy.name, usage.identity, usage.policy.limit, usage.used, usage.remaining, resets
                )
            )
