"""``manage.py rebuild_rankings`` brings back every marketplace and leaderboard sorted set from the
database, identical to what live traffic had built, and keeps writes made while it runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
import redis
from django.core.management import call_command
from django.utils import timezone

from community import services as community_services
from content import services as content_services
from core.redis import keys
from core.redis.client import get_client
from core.redis.families import get as get_family
from marketplace import rankings, services
from marketplace.models import Item
from marketplace.rating import bayesian_score
from tests.factories import make_user
from tests.marketplace.conftest import Clock
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db


def sorted_sets(client: redis.Redis) -> dict[bytes, list[tuple[bytes, float]]]:
    found = {}
    for pattern in (keys.marketplace_pattern(), keys.leaderboard_pattern()):
        for key in client.scan_iter(match=pattern, count=1000):
            if client.type(key) == b"zset":
                found[key] = client.zrange(key, 0, -1, withscores=True)
    return found


def test_a_rebuild_after_a_flush_gives_identical_sorted_sets(
    private_redis_roles: RedisProcess, publish_note: Callable[..., Item], committed: Callable[[], Any]
) -> None:
    clock = Clock(timezone.now())
    author, readers = make_user(), [make_user() for _ in range(4)]
    items = [publish_note(author, title=f"item {n}") for n in range(4)]
    for hours_ago, item, viewers in ((20, items[0], 3), (5, items[1], 2), (0, items[2], 4), (0, items[0], 1)):
        moment = Clock(clock.now - dt.timedelta(hours=hours_ago))
        for reader in readers[:viewers]:
            services.record_view(item, reader.pk, clock=moment)
    for n, reader in enumerate(readers):
        services.save_review(reader, items[n % 3], stars=1 + n, text="")
    with committed():
        services.add_to_trackeep(readers[0], items[1])
        services.add_to_trackeep(readers[1], items[1])
        services.add_to_trackeep(readers[2], items[3])
    challenge = community_services.create_challenge(
        author, title="Tasks", target="tasks_completed", goal=2,
        starts_at=clock.now - dt.timedelta(hours=1), ends_at=clock.now + dt.timedelta(days=3),
    )  # fmt: skip
    with committed():
        for n, reader in enumerate(readers):
            community_services.join(reader, challenge)
            for _ in range(n % 3):
                content_services.create_task(reader, title="done", status="completed")
    rankings.trending(0, 9, clock)  # the union, as the first browse would build it

    client = get_client("state")
    before = sorted_sets(client)
    assert keys.marketplace_trending().encode() in before
    assert keys.challenge_leaderboard(challenge.pk).encode() in before
    assert len([k for k in before if b":views:" in k]) == 3
    assert (
        client.connection_pool.connection_kwargs["port"] == private_redis_roles.port
    )  # never the shared one
    client.flushall()
    assert sorted_sets(client) == {}

    out = StringIO()
    call_command("rebuild_rankings", stdout=out)
    rankings.trending(0, 9, clock)
    assert sorted_sets(client) == before
    assert "top rated: 4 items" in out.getvalue() and "1 open leaderboards" in out.getvalue()


def test_writes_made_while_a_rebuild_runs_are_kept(
    publish_note: Callable[..., Item], monkeypatch: pytest.MonkeyPatch
) -> None:
    item, reader = publish_note(make_user()), make_user()
    real_replace = rankings.replace_sorted_set
    raced: list[str] = []

    def replace_then_race(client: redis.Redis, key: str, *args: Any, **kwargs: Any) -> None:
        if key == keys.marketplace_top_rated() and not raced:
            # A review lands after the rebuild read the database, and writes to the old set.
            raced.append(key)
            services.save_review(reader, item, stars=5, text="")
        real_replace(client, key, *args, **kwargs)

    monkeypatch.setattr(rankings, "replace_sorted_set", replace_then_race)
    report = rankings.rebuild()
    assert raced and report.caught_up >= 1
    score = get_client("state").zscore(keys.marketplace_top_rated(), item.pk)
    assert score == pytest.approx(bayesian_score(5, 1))


def test_the_warm_hooks_are_the_registry_families() -> None:
    assert get_family("marketplace").warmable and not get_family("marketplace").per_user
    assert get_family("challenges").warmable and not get_family("challenges").per_user
