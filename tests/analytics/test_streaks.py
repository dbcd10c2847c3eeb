"""Learning and habit streaks: Redis hashes counted in the user's own day, atomically; a missed
day breaks the run but keeps the record; a rebuild after a flush gives the same hashes."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
import redis
from django.core.management import call_command

from analytics import streaks
from core import timezones
from core.redis import keys
from habits import services as habits
from learning import services as learning
from tests.factories import make_user
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db(transaction=True)

UTC = dt.UTC
# 10:30 UTC on 10 January is 23:30 in Auckland (UTC+13) and 02:30 in Los Angeles (UTC-8).
BEFORE_AUCKLAND_MIDNIGHT = dt.datetime(2025, 1, 10, 10, 30, tzinfo=UTC)
AFTER_AUCKLAND_MIDNIGHT = BEFORE_AUCKLAND_MIDNIGHT + dt.timedelta(hours=1)


def stored(user: Any, kind: str) -> dict[str, str]:
    from core.redis.client import get_client

    raw = get_client("state").hgetall(keys.streak(user.pk, kind))
    return {k.decode(): v.decode() for k, v in raw.items()}


def learner_with_modules(count: int) -> tuple[Any, list[Any]]:
    path = learning.create_path(make_user(), title="Steps", is_published=True)
    return path, [learning.add_module(path, title=f"Step {n}") for n in range(count)]


@pytest.mark.parametrize("kind", [streaks.LEARNING, streaks.HABITS])
def test_an_hour_across_midnight_is_two_days_in_auckland_and_one_in_los_angeles(kind: str) -> None:
    auckland = make_user(timezone="Pacific/Auckland")
    los_angeles = make_user(timezone="America/Los_Angeles")
    path, modules = learner_with_modules(2)
    for user in (auckland, los_angeles):
        if kind == streaks.LEARNING:
            learning.enrol(user, path)
            learning.set_module_done(user, modules[0], True, now=BEFORE_AUCKLAND_MIDNIGHT)
            learning.set_module_done(user, modules[1], True, now=AFTER_AUCKLAND_MIDNIGHT)
        else:
            habit = habits.create_habit(user, name="Floss")
            habits.check_in(user, habit, now=BEFORE_AUCKLAND_MIDNIGHT)
            habits.check_in(user, habit, now=AFTER_AUCKLAND_MIDNIGHT)
    assert stored(auckland, kind) == {"current": "2", "max": "2", "last_date": "2025-01-11"}
    assert stored(los_angeles, kind) == {"current": "1", "max": "1", "last_date": "2025-01-10"}


def test_a_missed_day_resets_current_and_keeps_max() -> None:
    user = make_user(timezone="Europe/Paris")
    habit = habits.create_habit(user, name="Run")
    noon = dt.datetime(2025, 3, 3, 11, 0, tzinfo=UTC)  # 12:00 in Paris
    for offset in (0, 1, 2):  # 3, 4, 5 March
        habits.check_in(user, habit, now=noon + dt.timedelta(days=offset))
    assert stored(user, streaks.HABITS) == {"current": "3", "max": "3", "last_date": "2025-03-05"}
    streak = streaks.read(user.pk, timezones.zone(user.timezone))[streaks.HABITS]
    assert streak.current_on(dt.date(2025, 3, 6)) == 3  # 6 March: today still open
    assert streak.current_on(dt.date(2025, 3, 7)) == 0  # 6 March was missed
    assert streak.max == 3
    habits.check_in(user, habit, now=noon + dt.timedelta(days=4))  # 7 March
    assert stored(user, streaks.HABITS) == {"current": "1", "max": "3", "last_date": "2025-03-07"}
    habits.check_in(user, habit, now=noon + dt.timedelta(days=4, hours=5))  # the same day again
    assert stored(user, streaks.HABITS)["current"] == "1"


def test_undoing_the_only_check_in_of_a_day_takes_the_day_out() -> None:
    user = make_user()
    habit = habits.create_habit(user, name="Stretch")
    monday = dt.datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    habits.check_in(user, habit, now=monday)
    habits.check_in(user, habit, now=monday + dt.timedelta(days=1))
    assert stored(user, streaks.HABITS)["current"] == "2"
    habits.check_in(user, habit, delta=-1, now=monday + dt.timedelta(days=1))
    assert stored(user, streaks.HABITS) == {"current": "1", "max": "1", "last_date": "2025-06-02"}


def test_reopening_a_module_rebuilds_the_learning_streak() -> None:
    user = make_user()
    path, modules = learner_with_modules(2)
    learning.enrol(user, path)
    day = dt.datetime(2025, 2, 1, 12, 0, tzinfo=UTC)
    learning.set_module_done(user, modules[0], True, now=day)
    learning.set_module_done(user, modules[1], True, now=day + dt.timedelta(days=1))
    learning.set_module_done(user, modules[1], False, now=day + dt.timedelta(days=1))
    assert stored(user, streaks.LEARNING) == {"current": "1", "max": "1", "last_date": "2025-02-01"}


def test_concurrent_check_ins_on_the_same_day_count_it_once() -> None:
    user = make_user()
    habit = habits.create_habit(user, name="Water", target_per_day=8)
    habits.check_in(user, habit)
    tz = timezones.zone(user.timezone)
    today = timezones.local_date(tz)
    barrier = threading.Barrier(4)

    def touch() -> None:
        barrier.wait()
        streaks.touch(user.pk, streaks.HABITS, today + dt.timedelta(days=1), tz)

    threads = [threading.Thread(target=touch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stored(user, streaks.HABITS)["current"] == "2"


def test_a_rebuild_after_a_flush_gives_the_same_hashes(private_redis_roles: RedisProcess) -> None:
    users = [make_user(timezone=zone) for zone in ("Pacific/Auckland", "America/Los_Angeles")]
    path, modules = learner_with_modules(4)
    start = dt.datetime(2025, 4, 1, 10, 30, tzinfo=UTC)
    for user in users:
        learning.enrol(user, path)
        habit = habits.create_habit(user, name="Journal")
        for n, offset in enumerate((0, 1, 3)):
            learning.set_module_done(user, modules[n], True, now=start + dt.timedelta(days=offset, hours=n))
        for offset in (0, 1, 2, 5, 6):
            habits.check_in(user, habit, now=start + dt.timedelta(days=offset, hours=offset))
    before = {user.pk: streaks.raw_hashes(user.pk) for user in users}
    assert all(all(hashes.values()) for hashes in before.values())
    redis.Redis(port=private_redis_roles.port).flushall()  # this test's own server, never the shared one
    assert not any(any(streaks.raw_hashes(user.pk).values()) for user in users)
    call_command("analytics_rebuild", users=",".join(str(u.pk) for u in users), verbosity=0)
    assert {user.pk: streaks.raw_hashes(user.pk) for user in users} == before


def test_a_missing_hash_is_rebuilt_on_read(private_redis_roles: RedisProcess) -> None:
    user = make_user()
    habit = habits.create_habit(user, name="Piano")
    habits.check_in(user, habit)
    expected = stored(user, streaks.HABITS)
    redis.Redis(port=private_redis_roles.port).flushall()
    tz = timezones.zone(user.timezone)
    assert streaks.read(user.pk, tz)[streaks.HABITS].current == 1
    assert stored(user, streaks.HABITS) == expected


def test_streaks_work_from_the_database_while_redis_is_away(settings: Any) -> None:
    user = make_user()
    habit = habits.create_habit(user, name="Offline")
    from tests.redis_support import point_roles_at

    point_roles_at(settings, "redis://127.0.0.1:1/0")  # nothing listens there
    habits.check_in(user, habit)  # the write succeeds; the hash cannot be touched
    tz = timezones.zone(user.timezone)
    assert streaks.read(user.pk, tz)[streaks.HABITS].current == 1
