"""Time tracking: the running timer is Redis state that outlives the app process and is rebuilt from
the database after a flush; entries can be edited and deleted; weekly totals; CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from content import services as content
from tests.factories import make_user, signed_in
from timetracking import selectors, services, timer
from timetracking.models import TimeEntry
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]

READ_TIMER = """
import django
django.setup()
from timetracking import timer
running = timer.running({user_id})
print(running.entry_id, running.started_at.isoformat(), running.label)
"""


def read_in_a_new_process(user_id: int, tmp_path: Path) -> str:
    """A fresh interpreter (a restarted app) reads the timer; its database does not exist, so the
    answer can only come from Redis."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trackeep.settings",
        "REDIS_URL": settings.CACHES["state"]["LOCATION"],
        "REDIS_KEY_PREFIX": settings.REDIS_KEY_PREFIX,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'nothing.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", READ_TIMER.format(user_id=user_id)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout.strip()


def test_the_running_timer_survives_an_app_restart(tmp_path: Path) -> None:
    user = make_user()
    task = content.create_task(user, title="Write the report")
    entry = services.start(user, task=task)
    assert (
        read_in_a_new_process(user.pk, tmp_path)
        == f"{entry.pk} {entry.started_at.isoformat()} Write the report"
    )


def test_the_running_timer_is_rebuilt_from_the_database_after_a_flush(
    private_redis_roles: RedisProcess,
) -> None:
    user = make_user()
    started = timezone.now() - dt.timedelta(minutes=7)
    entry = services.start(user, description="Deep work", now=started)
    redis.Redis(port=private_redis_roles.port).flushall()
    running = timer.running(user.pk)
    assert running is not None and (running.entry_id, running.started_at, running.label) == (
        entry.pk, started, "Deep work"
    )  # fmt: skip
    assert redis.Redis(port=private_redis_roles.port).hget(
        f"{settings.REDIS_KEY_PREFIX}:{{u:{user.pk}}}:timer", "entry"
    )
    stopped = services.stop(user)
    assert stopped is not None and stopped.duration_seconds is not None and stopped.duration_seconds >= 7 * 60
    redis.Redis(port=private_redis_roles.port).flushall()
    assert timer.running(user.pk) is None


def test_starting_again_stops_the_running_timer() -> None:
    user = make_user()
    now = timezone.now()
    first = services.start(user, description="One", now=now - dt.timedelta(minutes=30))
    second = services.start(user, description="Two", now=now)
    first.refresh_from_db()
    assert first.ended_at == now and first.duration_seconds == 1800
    assert timer.running(user.pk).entry_id == second.pk  # type: ignore[union-attr]
    assert TimeEntry.objects.filter(ended_at__isnull=True).count() == 1


def test_pages_start_stop_edit_and_delete() -> None:
    user = make_user(timezone="Europe/Madrid")
    task = content.create_task(user, title="Plan the trip")
    client = signed_in(user)
    assert client.post("/time/start/", {"task": str(task.pk), "description": ""}).status_code == 302
    page = client.get("/time/").content.decode()
    assert "Plan the trip" in page and "Stop timer" in page and "running" in page
    assert client.post("/time/stop/").status_code == 302
    entry = TimeEntry.objects.get()
    assert entry.ended_at is not None
    response = client.post(
        f"/time/entries/{entry.pk}/edit/",
        {
            "started_at": "2025-05-05T09:00:00",
            "ended_at": "2025-05-05T10:30:00",
            "task": str(task.pk),
            "description": "Flights",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.duration_seconds == 5400 and entry.description == "Flights"
    assert entry.started_at == dt.datetime(2025, 5, 5, 7, 0, tzinfo=dt.UTC)  # 09:00 in Madrid (CEST)
    bad = client.post(
        f"/time/entries/{entry.pk}/edit/",
        {
            "started_at": "2025-05-05T09:00:00",
            "ended_at": "2025-05-05T08:00:00",
            "task": "",
            "description": "",
        },
    )
    assert bad.status_code == 400 and "after the start" in bad.content.decode()
    assert client.post(f"/time/entries/{entry.pk}/edit/", {"started_at": "garbage"}).status_code == 400
    assert "cannot be undone" in client.get(f"/time/entries/{entry.pk}/delete/").content.decode()
    assert client.post(f"/time/entries/{entry.pk}/delete/").status_code == 302
    assert not TimeEntry.objects.exists()


def test_someone_elses_task_or_entry_cannot_be_used() -> None:
    owner, stranger = make_user(), make_user()
    task = content.create_task(owner, title="Theirs")
    client = signed_in(stranger)
    client.post("/time/start/", {"task": str(task.pk)})
    assert not TimeEntry.objects.exists()
    entry = services.start(owner, task=task)
    assert client.get(f"/time/entries/{entry.pk}/edit/").status_code == 404
    assert client.post(f"/time/entries/{entry.pk}/delete/").status_code == 404
    with pytest.raises(services.EntryInvalid):
        services.start(stranger, task=task)


def test_weekly_totals_per_day_task_and_tag() -> None:
    user = make_user(timezone="Australia/Sydney")
    writing = content.create_task(user, title="Writing", tags=["work", "words"])
    monday = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=11)))  # 09:00 in Sydney
    for day, minutes, task in ((0, 60, writing), (0, 30, None), (2, 90, writing), (7, 45, writing)):
        start = monday + dt.timedelta(days=day)
        services.start(user, task=task, description="" if task else "Email", now=start)
        services.stop(user, now=start + dt.timedelta(minutes=minutes))
    week = selectors.week_totals(user.pk, dt.date(2025, 3, 3), dt.timezone(dt.timedelta(hours=11)))
    assert week.total == 180 * 60 and week.iso_week == "2025-W10"
    assert dict(week.per_day)[dt.date(2025, 3, 3)] == 90 * 60
    assert week.per_task == [("Writing", 150 * 60), ("(no task)", 30 * 60)]
    assert dict(week.per_tag) == {"work": 150 * 60, "words": 150 * 60, "(untagged)": 30 * 60}
    page = signed_in(user).get("/time/week/", {"week": "2025-W10"}).content.decode()
    assert "3:00:00" in page and 'role="img"' in page
    assert signed_in(user).get("/time/week/", {"week": "2025-W99"}).status_code == 200


def test_csv_export_is_the_users_entries_with_formulas_defused() -> None:
    user, other = make_user(), make_user()
    task = content.create_task(user, title="=SUM(A1:A9)", tags=["deep"])
    now = timezone.now()
    services.start(user, task=task, description="+danger", now=now - dt.timedelta(hours=1))
    services.stop(user, now=now)
    services.start(other, description="not mine")
    response = signed_in(user).get("/time/export.csv")
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == list(selectors.CSV_HEADER)
    assert len(rows) == 2
    assert rows[1][2:] == ["3600", "1:00:00", "'=SUM(A1:A9)", "deep", "'+danger"]


def test_editing_a_running_entry_keeps_it_running(tmp_path: Path) -> None:
    user = make_user()
    entry = services.start(user, description="Ongoing")
    earlier = entry.started_at - dt.timedelta(minutes=15)
    services.update_entry(entry, started_at=earlier, ended_at=None, task=None, description="Ongoing, longer")
    running = timer.running(user.pk)
    assert running is not None and running.started_at == earlier and running.label == "Ongoing, longer"
    with pytest.raises(services.EntryInvalid):
        services.update_entry(
            entry, started_at=timezone.now() + dt.timedelta(hours=1), ended_at=None, task=None, description=""
        )
    assert read_in_a_new_process(user.pk, tmp_path).endswith("Ongoing, longer")


def test_deleting_the_running_entry_clears_the_timer() -> None:
    user = make_user()
    entry = services.start(user, description="Oops")
    services.delete_entry(entry)
    assert timer.running(user.pk) is None
    assert timer.from_database(user.pk) is None


def test_no_time_page_shows_another_users_timer(client_of: Any, stranger: Any) -> None:
    services.start(stranger, description="Stranger's secret")
    assert "Stranger&#x27;s secret" not in client_of.get("/time/").content.decode()
    assert "Stranger" not in client_of.get("/analytics/").content.decode()


def test_a_bad_start_says_why_and_starts_nothing() -> None:
    client = signed_in(make_user())
    response = client.post("/time/start/", {"description": "x" * 500}, follow=True)
    assert "The timer did not start" in response.content.decode()
    response = client.post("/time/start/", {"task": "99999999"}, follow=True)
    assert "Select a valid choice" in response.content.decode()
    assert not TimeEntry.objects.exists()
