"""Tasks that repeat, remind, and are typed in one line ("tomorrow 5pm #work !high")."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from content import quickadd, reminders, services
from content.models import Task
from core import jobs
from messaging.models import Notification

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.mark.parametrize(
    ("rule", "due", "expected"),
    [
        ("daily", dt.date(2030, 1, 31), dt.date(2030, 2, 1)),
        ("weekly", dt.date(2030, 1, 31), dt.date(2030, 2, 7)),
        ("monthly", dt.date(2030, 1, 31), dt.date(2030, 2, 28)),
        ("yearly", dt.date(2028, 2, 29), dt.date(2029, 2, 28)),
        ("weekdays", dt.date(2030, 2, 1), dt.date(2030, 2, 4)),  # a Friday: next is Monday
    ],
)
def test_completing_a_repeating_task_moves_it_to_its_next_date(
    owner: Any, rule: str, due: dt.date, expected: dt.date
) -> None:
    remind = dt.datetime.combine(due, dt.time(9), tzinfo=dt.UTC)
    task = services.create_task(owner, title="Water", due_date=due, recurrence=rule, remind_at=remind)
    services.set_task_status(task, "completed")
    task.refresh_from_db()
    assert (task.status, task.due_date, task.completed_at) == ("pending", expected, None)
    assert task.remind_at == dt.datetime.combine(expected, dt.time(9), tzinfo=dt.UTC)


def test_an_overdue_repeating_task_jumps_past_today(owner: Any) -> None:
    task = services.create_task(
        owner, title="Daily", due_date=TODAY - dt.timedelta(days=10), recurrence="daily"
    )
    services.set_task_status(task, "completed")
    task.refresh_from_db()
    assert task.due_date == TODAY + dt.timedelta(days=1)


def test_repeating_tasks_repeat_from_the_board_and_the_list_too(client_of: Client, owner: Any) -> None:
    task = services.create_task(owner, title="Weekly", due_date=dt.date(2030, 1, 1), recurrence="weekly")
    client_of.post(reverse("content:task_toggle", args=[task.pk]), HTTP_HX_REQUEST="true")
    task.refresh_from_db()
    assert (task.status, task.due_date) == ("pending", dt.date(2030, 1, 8))
    client_of.post(reverse("content:task_move", args=[task.pk]), {"status": "completed"})
    task.refresh_from_db()
    assert (task.status, task.due_date) == ("pending", dt.date(2030, 1, 15))


def test_reminders_arrive_once_as_notifications(owner: Any, django_capture_on_commit_callbacks: Any) -> None:
    past = timezone.now() - dt.timedelta(minutes=1)
    due = services.create_task(owner, title="Call the plumber", remind_at=past)
    services.create_task(owner, title="Later", remind_at=timezone.now() + dt.timedelta(hours=1))
    services.create_task(owner, title="Done already", remind_at=past, status="completed")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", verbosity=0)
        call_command("send_reminders", verbosity=0)
    reminders = Notification.objects.filter(user=owner, kind=Notification.Kind.REMINDER)
    assert [(n.text, n.url) for n in reminders] == [
        ("Reminder: Call the plumber", reverse("content:task_detail", args=[due.pk]))
    ]
    due.refresh_from_db()
    assert due.reminded_at is not None
    services.update_task(due, remind_at=timezone.now() - dt.timedelta(seconds=1))
    due.refresh_from_db()
    assert due.reminded_at is None  # a new reminder time is a new reminder


def test_reminders_are_a_periodic_job_of_every_minute(
    owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    (periodic,) = [p for p in jobs.periodic_jobs() if p.name == "task-reminders"]
    assert (periodic.func, periodic.interval) == (reminders.deliver_reminders, 60)
    services.create_task(owner, title="Water the plants", remind_at=timezone.now() - dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        periodic.func()
    assert Notification.objects.filter(user=owner, kind=Notification.Kind.REMINDER).count() == 1


NOW = dt.datetime(2030, 1, 7, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))  # a Monday


def test_quick_add_reads_dates_tags_priority_project_and_repeats() -> None:
    parsed = quickadd.parse("Buy milk tomorrow 5pm #shopping #home !high +Errands", NOW)
    assert parsed.title == "Buy milk"
    assert parsed.tags == ["shopping", "home"] and parsed.priority == "high"
    assert parsed.project == "Errands"
    assert parsed.due_date == dt.date(2030, 1, 8)
    assert parsed.remind_at == dt.datetime(2030, 1, 8, 17, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))

    weekly = quickadd.parse("Team sync every week friday", NOW)
    assert (weekly.title, weekly.recurrence, weekly.due_date, weekly.remind_at) == (
        "Team sync", "weekly", dt.date(2030, 1, 11), None,
    )  # fmt: skip
    plain = quickadd.parse("Read 1984 !urgent", NOW)
    assert (plain.title, plain.due_date, plain.priority) == ("Read 1984", None, "urgent")
    assert quickadd.parse("   ", NOW).title == ""


def test_quick_add_from_the_task_list(client_of: Client, owner: Any) -> None:
    response = client_of.post(reverse("content:task_quick_add"), {"text": "Pay rent in 3 days #home !urgent"})
    assert response.status_code == 302
    task = Task.objects.get(owner=owner)
    assert (task.title, task.priority, task.due_date) == ("Pay rent", "urgent", TODAY + dt.timedelta(days=3))
    assert [t.name for t in task.tags.all()] == ["home"]
    empty = client_of.post(reverse("content:task_quick_add"), {"text": "#only-a-tag"}, follow=True)
    assert "Type what to do" in empty.content.decode() and Task.objects.count() == 1
    assert 'name="text"' in client_of.get(reverse("content:task_list")).content.decode()
