"""``manage.py analytics_rebuild``: the roll-up and the Redis state come back from the database;
bad options are usage errors; the home page and the navigation lead to the dashboard."""

from __future__ import annotations

import pytest
import redis
from django.core.management import CommandError, call_command

from analytics.models import COLUMNS, DailyActivity
from content import services as content
from core import timezones
from core.redis import keys
from core.redis.client import get_client
from habits import daycounts
from habits import services as habits
from tests.factories import make_user, signed_in
from timetracking import services as time_services
from timetracking import timer
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_command_restores_a_lost_roll_up_and_flushed_state(private_redis_roles: RedisProcess) -> None:
    user = make_user(timezone="America/Sao_Paulo")
    content.create_task(user, title="Done", status="completed")
    habit = habits.create_habit(user, name="Walk")
    habits.check_in(user, habit)
    entry = time_services.start(user, description="Running")
    kept = sorted(DailyActivity.objects.values_list("day", *COLUMNS))
    assert kept
    DailyActivity.objects.all().delete()
    redis.Redis(port=private_redis_roles.port).flushall()
    call_command("analytics_rebuild", verbosity=0)
    assert sorted(DailyActivity.objects.values_list("day", *COLUMNS)) == kept
    tz = timezones.zone(user.timezone)
    today = timezones.local_date(tz).isoformat()
    state = get_client("state")  # written by the command itself, before any reader rebuilds lazily
    assert state.hget(keys.habit_day_counts(user.pk, today), f"c:{habit.pk}") == b"1"
    assert state.hget(keys.running_timer(user.pk), "entry") == str(entry.pk).encode()
    assert state.hgetall(keys.streak(user.pk, "habits"))[b"current"] == b"1"
    assert daycounts.counts(user.pk, timezones.local_date(tz), tz) == {habit.pk: 1}
    running = timer.running(user.pk)
    assert running is not None and running.entry_id == entry.pk


def test_bad_options_are_usage_errors() -> None:
    make_user()
    with pytest.raises(CommandError, match="--only"):
        call_command("analytics_rebuild", only="rollup,nonsense")
    with pytest.raises(CommandError, match="No users selected"):
        call_command("analytics_rebuild", user=[999999999])
    call_command("analytics_rebuild", only="rollup", verbosity=0)


def test_home_and_navigation_link_to_the_dashboard() -> None:
    page = signed_in(make_user()).get("/").content.decode()
    assert 'id="analytics-link"' in page and page.count('href="/analytics/"') >= 2
    for link in ('href="/learning/"', 'href="/habits/"', 'href="/time/"'):
        assert link in page
