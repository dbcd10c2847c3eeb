"""Demo data: a registry of per-app generators and the seeding run that drives them.

``manage.py seed_demo`` creates demo users (``demo1``, ``demo2``, ... with emails at
``DEMO_EMAIL_DOMAIN``, so they are easy to find and remove), then asks every registered generator to
fill each user's account. An app adds its own data by adding a ``demo.py`` module that registers a
generator; ``generators()`` imports every installed app's ``demo`` module, like the admin's
autodiscovery, so the command itself never changes.

Everything is derived from ``--seed``: each generator gets its own ``random.Random`` per user
(``DemoContext.rng``) and every date is an offset from ``DemoContext.anchor``, so the same seed and
anchor give the same dataset. Generators insert in bulk, which bypasses the apps' services and their
side effects; ``finish`` does what those services would have done (bumps each user's cache
generations and rebuilds the search index when the search app provides ``search_reindex``).
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command, get_commands
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from core.redis import families

DEMO_EMAIL_DOMAIN = "demo.invalid"  # RFC 2606: a domain that can never receive mail
DEMO_USERNAME_PREFIX = "demo"
DEMO_PASSWORD = "trackeep-demo"
SEARCH_REINDEX_COMMAND = "search_reindex"

_FIRST_NAMES = (
    "Ada", "Grace", "Alan", "Linus", "Margaret", "Edsger", "Barbara", "Donald", "Frances", "Ken",
    "Radia", "Dennis", "Katherine", "Guido", "Hedy", "Tim", "Sophie", "Niklaus", "Annie", "John",
)  # fmt: skip
_LAST_NAMES = (
    "Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Dijkstra", "Liskov", "Knuth", "Allen",
    "Thompson", "Perlman", "Ritchie", "Johnson", "van Rossum", "Lamarr", "Berners-Lee", "Wilson",
    "Wirth", "Easley", "McCarthy",
)  # fmt: skip


class AlreadySeeded(RuntimeError):
    """Demo users already exist and the caller did not ask to replace them."""


@dataclass
class DemoContext:
    """What a generator needs: the seed, the size, the users and the reference time."""

    seed: int
    items: int  # items per user, shared out by the generators
    users: list[Any]
    anchor: datetime  # "now" for the dataset: every date is an offset from it
    rollbacks: list[Callable[[], None]] = field(default_factory=list)

    def rng(self, *parts: object) -> random.Random:
        """A random generator of its own for ``parts`` (e.g. a generator name and a user index)."""
        # A str seed is hashed with SHA-512 by random.seed: stable across processes and runs.
        return random.Random(":".join(str(part) for part in (self.seed, *parts)))

    def share(self, fraction: float) -> int:
        """How many of a user's ``items`` a generator producing ``fraction`` of them creates."""
        return round(self.items * fraction)

    def on_rollback(self, undo: Callable[[], None]) -> None:
        """Register cleanup of something outside the database (a file) if seeding fails."""
        self.rollbacks.append(undo)


@dataclass(frozen=True)
class Generator:
    """One app's demo data: ``prepare`` once, then ``generate`` for each user (rows created)."""

    name: str
    order: int
    generate: Callable[[DemoContext, Any, int], int]
    prepare: Callable[[DemoContext], int] | None = None
    clear: Callable[[list[int]], None] | None = None  # before demo users are deleted (--force)


_registry: dict[str, Generator] = {}


def register(
    name: str,
    *,
    order: int,
    prepare: Callable[[DemoContext], int] | None = None,
    clear: Callable[[list[int]], None] | None = None,
) -> Callable[[Callable[[DemoContext, Any, int], int]], Callable[[DemoContext, Any, int], int]]:
    """Decorator registering ``generate(ctx, user, index) -> rows`` as generator ``name``.

    ``order`` sorts generators (content before the apps that refer to content); ``prepare(ctx)``
    runs once before the per-user calls; ``clear(user_ids)`` removes what deleting the users would
    not (files on disk, conversations they shared).
    """

    def decorator(func: Callable[[DemoContext, Any, int], int]) -> Callable[[DemoContext, Any, int], int]:
        _registry[name] = Generator(name=name, order=order, generate=func, prepare=prepare, clear=clear)
        return func

    return decorator


def generators() -> list[Generator]:
    """Every registered generator, after importing each installed app's ``demo`` module."""
    autodiscover_modules("demo")
    return sorted(_registry.values(), key=lambda g: (g.order, g.name))


def demo_users() -> Any:
    """The demo users, oldest first."""
    return get_user_model().objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").order_by("pk")


def _password_hash(seed: int) -> str:
    # One hash for every demo user (hashing is deliberately slow); its salt comes from the seed so
    # the dataset is the same on every run.
    salt = hashlib.sha256(f"trackeep-demo-{seed}".encode()).hexdigest()[:22]
    return make_password(DEMO_PASSWORD, salt=salt)


def _create_users(count: int, seed: int) -> list[Any]:
    rng = random.Random(f"{seed}:users")
    password = _password_hash(seed)
    users = []
    for index in range(count):
        username = f"{DEMO_USERNAME_PREFIX}{index + 1}"
        user = get_user_model()(
            username=username,
            email=f"{username}@{DEMO_EMAIL_DOMAIN}",
            full_name=f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}",
            bio=rng.choice(
                ("", "Keeps everything in Trackeep.", "Reading list curator.", "Ships on Fridays.")
            ),
            password=password,
        )
        user.save()  # one at a time: apps set new users up in post_save (messaging joins #general)
        users.append(user)
    return users


def remove_demo_data(all_generators: Iterable[Generator]) -> int:
    """Delete every demo user and what generators say goes with them; returns users deleted."""
    user_ids = list(demo_users().values_list("pk", flat=True))
    if not user_ids:
        return 0
    with transaction.atomic():
        for generator in all_generators:
            if generator.clear is not None:
                generator.clear(user_ids)
        get_user_model().objects.filter(pk__in=user_ids).delete()
    return len(user_ids)


@dataclass(frozen=True)
class SeedReport:
    users: int
    rows: dict[str, int]
    replaced: int
    reindexed: bool
    insert_seconds: float  # the generators, in one transaction
    finish_seconds: float  # generation bumps and the search index rebuild


def seed(
    *,
    users: int,
    items: int,
    seed: int,
    anchor: datetime,
    force: bool = False,
    on_step: Callable[[str, int, int], None] | None = None,
) -> SeedReport:
    """Create ``users`` demo users with about ``items`` items each; raise AlreadySeeded if demo
    users exist and ``force`` is false (with ``force`` they are replaced). ``on_step(label, done,
    total)`` reports progress once per generator and user."""
    if users < 1 or items < 0:
        raise ValueError("users must be at least 1 and items at least 0")
    found = generators()
    replaced = 0
    if demo_users().exists():
        if not force:
            raise AlreadySeeded(f"{demo_users().count()} demo user(s) exist already")
        replaced = remove_demo_data(found)
    total = len(found) * users
    done = 0
    started = time.perf_counter()
    rows: dict[str, int] = {}
    ctx = DemoContext(seed=seed, items=items, users=[], anchor=anchor)
    try:
        with transaction.atomic():
            ctx.users = _create_users(users, seed)
            for generator in found:
                rows[generator.name] = generator.prepare(ctx) if generator.prepare else 0
                for index, user in enumerate(ctx.users):
                    rows[generator.name] += generator.generate(ctx, user, index)
                    done += 1
                    if on_step is not None:
                        on_step(generator.name, done, total)
    except BaseException:
        for undo in ctx.rollbacks:
            undo()
        raise
    inserted = time.perf_counter()
    reindexed = finish([user.pk for user in ctx.users])
    return SeedReport(
        users=users,
        rows=rows,
        replaced=replaced,
        reindexed=reindexed,
        insert_seconds=inserted - started,
        finish_seconds=time.perf_counter() - inserted,
    )


def finish(user_ids: list[int]) -> bool:
    """What the bypassed services would have done: invalidate each user's cached families, and
    rebuild the search index if the search app has its command. True if rebuilt."""
    per_user = [family for family in families.families() if family.per_user]
    for user_id in user_ids:
        for family in per_user:
            family.invalidate(user_id)
    if SEARCH_REINDEX_COMMAND not in get_commands():
        return False
    call_command(SEARCH_REINDEX_COMMAND, user=user_ids, verbosity=0)
    return True
