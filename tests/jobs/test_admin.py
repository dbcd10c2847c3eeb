"""Job state in the admin: django-rq's pages under /admin/, for staff only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from rq.registry import FailedJobRegistry

from core import jobs
from tests.factories import make_user, signed_in
from tests.jobs.sampleapp.jobs import record
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db
DASHBOARD = "/admin/django_rq/dashboard/"
KEY = "tk:jobtest:evidence"


def test_staff_see_queued_scheduled_and_failed_counts(job_redis: RedisProcess) -> None:
    staff = signed_in(make_user(is_staff=True, is_superuser=True))
    queue = jobs.get_queue()
    jobs.enqueue(record, KEY, "waiting")
    jobs.enqueue(record, KEY, "waiting too")
    queue.enqueue_in(timedelta(hours=1), record, KEY, "later")
    failed = jobs.enqueue(record, KEY, "failed")
    queue.remove(failed)
    FailedJobRegistry(queue=queue).add(failed, exc_string="RuntimeError: boom")

    page = staff.get(DASHBOARD)
    assert page.status_code == 200
    for column in ("Queued Jobs", "Active Jobs", "Failed Jobs", "Scheduled Jobs", "Workers"):
        assert column in page.content.decode()
    stats = {q["name"]: q for q in staff.get(f"{DASHBOARD}stats.json/").json()["queues"]}
    assert set(stats) == {"default", "low"}
    counts = {
        name: stats["default"][name] for name in ("jobs", "started_jobs", "scheduled_jobs", "failed_jobs")
    }
    assert counts == {"jobs": 2, "started_jobs": 0, "scheduled_jobs": 1, "failed_jobs": 1}
    failed_page = staff.get(f"{DASHBOARD}queues/0/failed/")
    assert failed_page.status_code == 200 and failed.id in failed_page.content.decode()


def test_people_who_are_not_staff_are_sent_to_log_in(job_redis: RedisProcess) -> None:
    make_user(is_staff=True, is_superuser=True)  # the instance is set up
    for client in (signed_in(make_user()), Client()):
        for path in (DASHBOARD, f"{DASHBOARD}queues/0/failed/"):
            page = client.get(path)
            assert page.status_code == 302
            assert page["Location"].startswith(reverse("admin:login"))
    # The JSON view takes an API token instead of a session; none is configured, so none works.
    assert Client().get(f"{DASHBOARD}stats.json/").status_code == 401
    assert Client().get(f"{DASHBOARD}stats.json/anything/").status_code == 401
