"""The analytics dashboard on a generated dataset: its figures are the database's, for every range;
warm it costs no query and three Redis round trips; writes show on the next render; two cold
renders compute once; the roll-up kept up on writes equals a rebuild."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics import dashboard, rollup
from analytics.models import COLUMNS, DailyActivity
from content import services as content
from habits import services as habit_services
from learning import services as learning
from learning.models import LearningPath, Module
from tests.analytics.dataset import expected, seed
from tests.factories import make_user, signed_in
from timetracking import services as time_services
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db(transaction=True)  # the apps announce their writes after commit


def figures(user: Any, days: int) -> dict[str, Any]:
    return dashboard.dashboard(user.pk, user.timezone, days).value


def assert_matches(user: Any, days: int) -> None:
    got, want = figures(user, days), expected(user, days)
    activity = got["activity"]
    assert activity["days"] == want["days"]
    for column in COLUMNS:
        assert activity["series"][column] == want[column], (user.timezone, days, column)
        assert activity["totals"][column] == sum(want[column])
    assert got["counts"] == want["counts"]
    assert got["tasks"]["by_status"] == want["by_status"]
    assert got["tasks"]["completion_rate"] == want["completion_rate"]
    assert got["tasks"]["overdue"] == want["overdue"]
    assert [t["due_date"] for t in got["tasks"]["upcoming"]] == want["upcoming"]
    per_task = got["time_per_task"]
    assert all(want["time_per_task"][name] == seconds for name, seconds in per_task)
    assert [s for _, s in per_task] == sorted(want["time_per_task"].values(), reverse=True)[: len(per_task)]
    assert len(per_task) == min(8, len(want["time_per_task"]))
    top = got["popular_tags"]
    assert all(want["tag_uses"][name] == n for name, n in top)
    assert [n for _, n in top] == sorted(want["tag_uses"].values(), reverse=True)[: len(top)]


def test_figures_equal_database_aggregates_for_every_range_and_zone() -> None:
    people = seed()
    assert {p.timezone for p in people} == {"Pacific/Auckland", "America/Los_Angeles", "UTC"}
    assert DailyActivity.objects.filter(modules_completed__gt=0).exists()
    assert DailyActivity.objects.filter(habit_checkins__gt=0, seconds_tracked__gt=0).exists()
    for person in people:
        for days in dashboard.RANGES:
            assert_matches(person, days)
    ninety = [figures(p, 90)["activity"]["totals"] for p in people]
    assert all(sum(t[column] for t in ninety) > 0 for column in COLUMNS)  # every series has data


def _write_everything(user: Any) -> None:
    """One of each write the roll-up follows, through the services (the incremental path)."""
    task = content.create_task(user, title="Fresh task", tags=["focus"])
    content.set_task_status(task, "completed")
    content.create_note(user, title="Fresh note")
    doomed = content.create_bookmark(user, url="https://example.com/x", title="Soon gone")
    content.delete_items(user.pk, "bookmark", [doomed.pk])
    reopened = content.create_task(user, title="Done then reopened", status="completed")
    content.set_task_status(reopened, "pending")
    habit = habit_services.create_habit(user, name="Stretch", target_per_day=2)
    habit_services.check_in(user, habit)
    habit_services.check_in(user, habit)
    habit_services.check_in(user, habit, delta=-1)
    now = timezone.now()
    entry = time_services.start(user, task=task, now=now - dt.timedelta(minutes=50))
    time_services.stop(user, now=now - dt.timedelta(minutes=20))
    entry.refresh_from_db()
    time_services.update_entry(
        entry,
        started_at=entry.started_at - dt.timedelta(days=3),
        ended_at=entry.ended_at - dt.timedelta(days=3),
        task=task,
        description="moved back",
    )
    creator = make_user()
    path = learning.create_path(creator, title="Path", is_published=True)
    first = learning.add_module(path, title="One")
    second = learning.add_module(path, title="Two")
    learning.enrol(user, path)
    learning.set_module_done(user, first, True)
    learning.set_module_done(user, second, True)
    learning.set_module_done(user, second, False)


def test_the_roll_up_kept_on_writes_equals_a_rebuild_and_the_database() -> None:
    people = seed(users=2, items=80)
    for person in people:
        _write_everything(person)
    for person in people:
        kept = sorted(DailyActivity.objects.filter(user=person).values_list("day", *COLUMNS))
        rollup.rebuild(person.pk)
        assert sorted(DailyActivity.objects.filter(user=person).values_list("day", *COLUMNS)) == kept
        for days in dashboard.RANGES:
            assert_matches(person, days)


def test_creating_a_task_changes_the_next_render() -> None:
    user = make_user(timezone="Europe/Berlin")
    client = signed_in(user)
    first = client.get("/analytics/?range=7").content.decode()
    assert "0</strong> tasks" in first
    content.create_task(user, title="Counted now")
    page = client.get("/analytics/?range=7").content.decode()
    assert "1</strong> tasks" in page
    assert figures(user, 7)["activity"]["totals"]["items_created"] == 1


def test_warm_dashboard_needs_no_query_and_three_redis_round_trips(
    private_redis_roles: RedisProcess, round_trips: Callable[[], Any]
) -> None:
    user = make_user(timezone="Asia/Tokyo")
    content.create_task(user, title="Cached task")
    habit = habit_services.create_habit(user, name="Read")
    habit_services.check_in(user, habit)
    time_services.start(user, description="Writing")
    client = Client()
    client.force_login(user)
    client.get("/analytics/?range=30")
    stats = redis.Redis(port=private_redis_roles.port)
    before = stats.info("commandstats")
    with CaptureQueriesContext(connection) as queries, round_trips() as sent:
        page = client.get("/analytics/?range=30")
    after = stats.info("commandstats")
    body = page.content.decode()
    assert page.status_code == 200 and "Writing" in body and "Read" in body
    assert len(queries) == 0, [q["sql"] for q in queries]
    # The session GET; the rate-limit EVALSHA (the bell's HGETALL rides along); the dashboard EVALSHA.
    assert len(sent) == 3
    calls = {
        name: int(after.get(f"cmdstat_{name}", {}).get("calls", 0))
        - int(before.get(f"cmdstat_{name}", {}).get("calls", 0))
        for name in ("evalsha", "set", "hset", "incr")
    }
    # The one SET is the rate limiter's window, written inside its script; the dashboard writes nothing.
    assert calls == {"evalsha": 2, "set": 1, "hset": 0, "incr": 0}


def test_two_concurrent_cold_renders_compute_once(monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user()
    content.create_task(user, title="Counted once")
    real = dashboard.compute
    computed: list[int] = []

    def slow_compute(user_id: int, days: int, today: dt.date, tz: dt.tzinfo) -> dict[str, Any]:
        computed.append(user_id)
        time.sleep(0.3)  # the second render arrives while this one computes
        return real(user_id, days, today, tz)

    monkeypatch.setattr(dashboard, "compute", slow_compute)
    barrier = threading.Barrier(2)
    totals: list[int] = []

    def cold_render() -> None:
        barrier.wait()
        totals.append(figures(user, 30)["counts"]["task"])

    threads = [threading.Thread(target=cold_render) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert computed == [user.pk]
    assert totals == [1, 1]


def test_each_range_has_its_own_entry_and_bad_ranges_fall_back() -> None:
    user = make_user()
    client = signed_in(user)
    for text, days in (("7", 7), ("90", 90), ("5", 30), ("x" * 500, 30), ("-1", 30)):
        page = client.get("/analytics/", {"range": text})
        assert page.status_code == 200
        assert f"{days} days" in page.content.decode()
    assert figures(user, 7)["first"] == figures(user, 7)["today"] - dt.timedelta(days=6)


def test_another_users_writes_do_not_show() -> None:
    user, other = make_user(), make_user()
    figures(user, 30)
    content.create_task(other, title="Not mine")
    habit_services.check_in(other, habit_services.create_habit(other, name="Theirs"))
    assert figures(user, 30)["counts"]["task"] == 0
    assert figures(user, 30)["habits"] == []


def test_a_value_from_yesterday_is_recomputed(monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user()
    task = content.create_task(user, title="Due today", due_date=timezone.localdate())
    assert figures(user, 7)["tasks"]["overdue"] == 0
    tomorrow = timezone.now() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    assert figures(user, 7)["tasks"]["overdue"] == 1
    assert task.pk


def test_charts_have_text_alternatives_and_theme_classes() -> None:
    user = make_user()
    creator = make_user()
    path = learning.create_path(creator, title="Cards", is_published=True)
    module: Module = learning.add_module(path, title="M")
    learning.enrol(user, path)
    learning.set_module_done(user, module, True)
    content.create_task(user, title="<script>x</script>", tags=["<b>tag</b>"])
    page = signed_in(user).get("/analytics/").content.decode()
    assert page.count('role="img"') >= 4
    assert "<title id=" in page and "<desc id=" in page
    assert "as a table" in page and 'class="series-2"' in page  # modules completed: third series
    assert "<script>x</script>" not in page and "&lt;b&gt;tag&lt;/b&gt;" in page
    assert LearningPath.objects.count() == 1
