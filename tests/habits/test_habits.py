"""Habits: one-tap check-ins counted in the database and in a Redis hash per user and local day
(expiring after that day + grace, rebuilt when missing), pages, the heat-map, and ownership."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import redis

from core import timezones
from core.redis import keys, ttl
from core.redis.client import get_client
from habits import daycounts, selectors, services
from habits.models import Habit, HabitCheckin
from tests.factories import make_user, signed_in
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db(transaction=True)


def today_of(user: Any) -> tuple[dt.date, dt.tzinfo]:
    tz = timezones.zone(user.timezone)
    return timezones.local_date(tz), tz


def test_check_ins_count_in_the_database_and_in_todays_hash() -> None:
    user = make_user(timezone="Asia/Kolkata")
    water = services.create_habit(user, name="Water", target_per_day=3)
    read = services.create_habit(user, name="Read")
    for _ in range(3):
        services.check_in(user, water)
    services.check_in(user, read)
    services.check_in(user, read, delta=-1)
    services.check_in(user, read, delta=-1)  # never below zero
    day, tz = today_of(user)
    assert dict(HabitCheckin.objects.values_list("habit__name", "count")) == {"Water": 3, "Read": 0}
    raw = get_client("state").hgetall(keys.habit_day_counts(user.pk, day.isoformat()))
    assert (
        raw[b"_"] == b"1" and raw[f"c:{water.pk}".encode()] == b"3" and raw[f"c:{read.pk}".encode()] == b"0"
    )
    assert daycounts.counts(user.pk, day, tz) == {water.pk: 3, read.pk: 0}
    shown = {h.name: (h.count, h.done) for h in selectors.today(user.pk, day, tz)}
    assert shown == {"Water": (3, True), "Read": (0, False)}


def test_todays_hash_expires_after_the_local_day_plus_grace() -> None:
    user = make_user(timezone="America/New_York")
    habit = services.create_habit(user, name="Walk")
    services.check_in(user, habit)
    day, tz = today_of(user)
    client = get_client("state")
    expires = client.expiretime(keys.habit_day_counts(user.pk, day.isoformat()))
    end_of_day = timezones.day_start(day + dt.timedelta(days=1), tz)
    assert expires == int(end_of_day.timestamp()) + ttl.HABIT_DAY_GRACE


def test_a_lost_hash_is_rebuilt_from_the_database(private_redis_roles: RedisProcess) -> None:
    user = make_user()
    habit = services.create_habit(user, name="Floss", target_per_day=2)
    services.check_in(user, habit)
    redis.Redis(port=private_redis_roles.port).flushall()
    services.check_in(user, habit)  # finds no hash: rebuilds it from the rows (already 2)
    day, tz = today_of(user)
    assert daycounts.counts(user.pk, day, tz) == {habit.pk: 2}
    redis.Redis(port=private_redis_roles.port).flushall()
    assert daycounts.counts(user.pk, day, tz) == {habit.pk: 2}  # a read rebuilds too


def test_an_older_revision_never_overwrites_a_newer_count() -> None:
    user = make_user()
    habit = services.create_habit(user, name="Pushups", target_per_day=5)
    services.check_in(user, habit)
    services.check_in(user, habit)
    day, tz = today_of(user)
    daycounts.record(user.pk, day, tz, habit.pk, count=1, revision=1)  # a late, older write
    assert daycounts.counts(user.pk, day, tz) == {habit.pk: 2}


def test_pages_check_in_and_show_the_heat_map() -> None:
    user = make_user()
    client = signed_in(user)
    response = client.post(
        "/habits/new/", {"name": "  Meditate ", "target_per_day": "2", "days": ["0", "2", "4"]}
    )
    assert response.status_code == 302
    habit = Habit.objects.get()
    assert (
        habit.name == "Meditate"
        and habit.days_of_week == 0b10101
        and habit.weekday_names == ["Mon", "Wed", "Fri"]
    )
    response = client.post(f"/habits/{habit.pk}/check-in/", {"next": "/analytics/"})
    assert response.status_code == 302 and response["Location"] == "/analytics/"
    page = client.get("/habits/").content.decode()
    assert "1/2" in page and "Meditate" in page
    year = dt.date.today().year
    detail = client.get(f"/habits/{habit.pk}/", {"year": str(year)}).content.decode()
    assert 'class="chart heat-map"' in detail and "1 check-in" in detail and "as a table" in detail
    assert client.get(f"/habits/{habit.pk}/", {"year": "99999999999"}).status_code == 200


def test_bad_input_gives_form_errors_not_failures() -> None:
    client = signed_in(make_user())
    bad = (
        {"name": "", "target_per_day": "1", "days": ["0"]},
        {"name": "X", "target_per_day": "0", "days": ["0"]},
        {"name": "X", "target_per_day": "1"},
        {"name": "X", "target_per_day": "1", "days": ["9"]},
    )
    for data in bad:
        assert client.post("/habits/new/", data).status_code == 400
    assert not Habit.objects.exists()
    assert client.post("/habits/new/", {"name": "X", "target_per_day": "1", "days": ["6"]}).status_code == 302


def test_other_peoples_habits_answer_404() -> None:
    owner, stranger = make_user(), make_user()
    habit = services.create_habit(owner, name="Private")
    client = signed_in(stranger)
    for url in (f"/habits/{habit.pk}/", f"/habits/{habit.pk}/edit/", f"/habits/{habit.pk}/delete/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/habits/{habit.pk}/check-in/").status_code == 404
    assert not HabitCheckin.objects.exists()
    with pytest.raises(ValueError):
        services.check_in(stranger, habit)


def test_deleting_asks_first_then_removes_the_history() -> None:
    user = make_user()
    habit = services.create_habit(user, name="Old habit")
    services.check_in(user, habit)
    client = signed_in(user)
    assert "whole check-in history" in client.get(f"/habits/{habit.pk}/delete/").content.decode()
    assert client.post(f"/habits/{habit.pk}/delete/").status_code == 302
    assert not Habit.objects.exists() and not HabitCheckin.objects.exists()
