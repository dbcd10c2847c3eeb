"""core.jobs without a worker: declarations, enqueueing rules, the scheduler's jobs, checks, config."""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from rq.cron import get_cron_job_ids

from core import jobs
from core.jobs import checks, outbox, registry
from core.jobs.queueing import retry_policy
from core.jobs.registry import JobOptions, UndeclaredJob
from core.jobs.scheduler import PeriodicCronJob, build_scheduler
from core.models import DeferredJob
from core.redis.sentinel import SentinelPrimaryConnection
from tests.factories import make_user
from tests.jobs.sampleapp.jobs import always_fails, record, tick
from tools.redis_process import RedisProcess
from trackeep.redis_config import RedisRole, rq_connection

KEY = "tk:jobtest:evidence"


def not_a_job(key: str) -> None:
    """Module-level, but never declared."""


@pytest.fixture
def no_periodic_jobs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(registry, "_periodic", {})
    yield


def test_only_declared_functions_can_be_enqueued(job_redis: RedisProcess) -> None:
    with pytest.raises(UndeclaredJob):
        jobs.enqueue(not_a_job, KEY)
    with pytest.raises(UndeclaredJob):
        jobs.enqueue_on_commit(not_a_job, KEY)
    assert jobs.get_queue().count == 0


def test_a_job_must_be_a_module_level_function() -> None:
    with pytest.raises(ValueError, match="module-level"):

        @jobs.job
        def nested() -> None: ...


@pytest.mark.parametrize("options", [{"retries": -1}, {"backoff": []}, {"backoff": [5, -1]}])
def test_declaration_options_are_checked(options: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        jobs.job(**options)  # type: ignore[arg-type]


def test_arguments_travel_as_json_and_are_checked_in_the_caller(job_redis: RedisProcess) -> None:
    job = jobs.enqueue(record, KEY, "text")
    raw = jobs.get_queue().connection.hget(job.key, "data")
    assert json.loads(zlib.decompress(raw)) == ["tests.jobs.sampleapp.jobs.record", None, [KEY, "text"], {}]
    with pytest.raises(TypeError):
        jobs.enqueue_on_commit(record, KEY, object())
    assert jobs.get_queue().count == 1


def test_every_job_gets_retries_backoff_timeout_and_a_failed_lifetime(
    job_redis: RedisProcess, settings
) -> None:  # type: ignore[no-untyped-def]
    job = jobs.enqueue(record, KEY, "defaults")
    assert (job.retries_left, job.retry_intervals) == (3, [10, 60, 300])
    assert (job.timeout, job.failure_ttl) == (settings.JOBS_TIMEOUT_SECONDS, settings.JOBS_FAILED_TTL_SECONDS)
    declared = jobs.enqueue(always_fails, KEY)
    assert (declared.retries_left, declared.retry_intervals) == (2, [1, 3])
    assert retry_policy(JobOptions(retries=0)) is None


@pytest.mark.django_db
def test_enqueue_on_commit_waits_for_the_commit(
    job_redis: RedisProcess, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        jobs.enqueue_on_commit(record, KEY, "after commit")
        assert jobs.get_queue().count == 0
    assert len(callbacks) == 1
    assert jobs.get_queue().count == 1


@pytest.mark.django_db
def test_a_job_redis_refuses_at_commit_waits_in_the_database_until_redis_returns(
    job_redis: RedisProcess, django_capture_on_commit_callbacks, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    job_redis.stop()
    with (
        caplog.at_level(logging.WARNING, logger="core.jobs.outbox"),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        user = make_user()
        jobs.enqueue_on_commit(record, KEY, "kept")
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert "Job tests.jobs.sampleapp.jobs.record deferred to the database" in caplog.text
    assert list(DeferredJob.objects.values_list("name", "args")) == [
        ("tests.jobs.sampleapp.jobs.record", [KEY, "kept"])
    ]

    assert outbox.requeue_deferred() == 0  # Redis still down: the row stays
    assert DeferredJob.objects.count() == 1
    job_redis.start()
    assert (outbox.requeue_deferred(), DeferredJob.objects.count()) == (1, 0)
    (job,) = jobs.get_queue().get_jobs()
    assert (job.func_name, tuple(job.args)) == ("tests.jobs.sampleapp.jobs.record", (KEY, "kept"))


@pytest.mark.usefixtures("no_periodic_jobs")
@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ({}, "exactly one"),
        ({"every": 5, "cron": "* * * * *"}, "exactly one"),
        ({"every": timedelta(milliseconds=500)}, "whole number"),
        ({"every": 1.5}, "whole number"),
        ({"cron": "every day"}, "not a cron expression"),
    ],
)
def test_periodic_schedules_are_checked(schedule: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        jobs.register_periodic(tick, **schedule)  # type: ignore[arg-type]


@pytest.mark.usefixtures("no_periodic_jobs")
def test_periodic_names_are_unique_and_registering_again_is_harmless() -> None:
    jobs.register_periodic(tick, every=timedelta(minutes=5), name="five")
    jobs.register_periodic(tick, every=300, name="five")
    with pytest.raises(ValueError, match="already registered"):
        jobs.register_periodic(tick, cron="0 * * * *", name="five")
    with pytest.raises(UndeclaredJob):
        jobs.register_periodic(not_a_job, every=60)
    assert [p.name for p in jobs.periodic_jobs()] == ["five"]


@pytest.mark.usefixtures("no_periodic_jobs")
def test_an_app_registers_its_periodic_job_from_ready(settings) -> None:  # type: ignore[no-untyped-def]
    assert jobs.periodic_jobs() == []
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "tests.jobs.sampleapp.apps.SampleAppConfig"]
    # Re-running every ready() also re-registers the platform's own periodic jobs (core.apps).
    registered = {p.name: p for p in jobs.periodic_jobs()}
    assert set(registered) == {
        "sample-tick",
        "audit-drain",
        "redis-monitoring",
        "requeue-deferred-jobs",
        "task-reminders",
    }
    periodic = registered["sample-tick"]
    assert (periodic.name, periodic.func, periodic.interval, periodic.cron) == ("sample-tick", tick, 1, None)


@pytest.mark.usefixtures("no_periodic_jobs")
def test_the_scheduler_enqueues_periodic_jobs_like_any_job(job_redis: RedisProcess) -> None:
    jobs.register_periodic(always_fails, cron="*/5 * * * *", args=[KEY], name="every-five")
    (cron_job,) = build_scheduler().get_jobs()
    assert isinstance(cron_job, PeriodicCronJob)
    assert (cron_job.queue_name, cron_job.cron, cron_job.args) == ("default", "*/5 * * * *", (KEY,))
    connection = jobs.get_queue().connection
    job = cron_job.enqueue(connection)
    assert (job.retries_left, job.retry_intervals, tuple(job.args)) == (2, [1, 3], (KEY,))
    assert jobs.get_queue().job_ids == [job.id]
    assert get_cron_job_ids("every-five", connection) == [job.id]


@pytest.mark.usefixtures("no_periodic_jobs")
@pytest.mark.parametrize("schedule", [{"cron": "*/5 * * * *"}, {"every": 60}], ids=["cron", "interval"])
def test_two_schedulers_enqueue_each_periodic_run_once(
    job_redis: RedisProcess, schedule: dict[str, Any]
) -> None:
    jobs.register_periodic(always_fails, args=[KEY], name="shared", **schedule)
    schedulers = [build_scheduler("first"), build_scheduler("second")]
    due = datetime.now(UTC).replace(second=0, microsecond=0)
    for scheduler in schedulers:
        (cron_job,) = scheduler.get_jobs()
        if cron_job.cron:  # as if the cron time had come: every scheduler computes the same one
            cron_job.next_enqueue_time = due
    assert [len(scheduler.enqueue_jobs()) for scheduler in schedulers] == [1, 0]
    assert len(jobs.get_queue().job_ids) == 1
    assert [cron_job.latest_enqueue_time is not None for s in schedulers for cron_job in s.get_jobs()] == [
        True,
        True,
    ]  # the second skipped this run and waits for the next one


def test_check_flags_a_job_declared_on_an_unknown_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    assert checks.check_job_queues(None) == []
    declared = {**registry._declared, "tests.jobs.misplaced": (not_a_job, JobOptions(queue="urgent"))}
    monkeypatch.setattr(registry, "_declared", declared)
    (error,) = checks.check_job_queues(None)
    assert error.id == "trackeep.E010" and "'urgent'" in error.msg


def test_check_flags_job_settings_out_of_range(settings) -> None:  # type: ignore[no-untyped-def]
    assert checks.check_job_settings(None) == []
    settings.JOBS_RETRIES = -1
    settings.JOBS_HEARTBEAT_SECONDS = 0
    settings.JOBS_RETRY_BACKOFF_SECONDS = []
    errors = checks.check_job_settings(None)
    assert {e.id for e in errors} == {"trackeep.E011"}
    assert [e.msg.split()[0] for e in errors] == [
        "JOBS_RETRIES",
        "JOBS_HEARTBEAT_SECONDS",
        "JOBS_RETRY_BACKOFF_SECONDS",
    ]


def test_check_flags_rq_keys_outside_our_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    assert checks.check_rq_key_prefix(None) == []
    monkeypatch.setattr("rq.defaults.RQ_KEY_PREFIX", "rq")
    (warning,) = checks.check_rq_key_prefix(None)
    assert warning.id == "trackeep.W010"


def role(url: str, sentinels: tuple[tuple[str, int], ...] = ()) -> RedisRole:
    return RedisRole("state", url, 20, 0.5, 2.0, sentinels=sentinels, sentinel_master="state-primary")


def test_the_queue_connects_with_the_state_roles_url_and_timeouts() -> None:
    assert rq_connection(role("rediss://tk:s%40cret@redis:6380/2")) == {
        # TLS: the server's name is checked, said explicitly (tests/deploy/test_redis_tls.py: the files)
        "URL": "rediss://tk:s%40cret@redis:6380/2?socket_timeout=2.0&socket_connect_timeout=0.5"
        "&ssl_check_hostname=True"
    }
    assert rq_connection(role("redis://redis/0?health_check_interval=30"))["URL"] == (
        "redis://redis/0?health_check_interval=30&socket_timeout=2.0&socket_connect_timeout=0.5"
    )


def test_the_queue_finds_the_state_primary_through_sentinel() -> None:
    config = rq_connection(
        role("redis://tk:s%40cret@ignored:6379/3", sentinels=(("s1", 26379), ("s2", 26380)))
    )
    assert config == {
        "SENTINELS": [("s1", 26379), ("s2", 26380)],
        "MASTER_NAME": "state-primary",
        "DB": 3,
        "USERNAME": "tk",
        "PASSWORD": "s@cret",
        "SOCKET_TIMEOUT": 2.0,
        "CONNECTION_KWARGS": {"socket_connect_timeout": 0.5, "connection_class": SentinelPrimaryConnection},
    }
