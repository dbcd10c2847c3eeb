"""The audit log: one XADD on the request path, a consumer group moving entries into the database.

Against the test's Redis (state role) and database: entries written while no consumer runs all land
once it runs; a consumer that dies after reading (and even after storing part of) a batch leaves its
entries pending, and another consumer claims and stores each exactly once.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from api import services as api_services
from core import audit
from core.audit import consumer
from core.models import AuditEntry
from core.redis import keys
from core.redis.client import get_client
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_record_is_one_xadd_and_no_query(round_trips: Any, django_assert_num_queries: Any) -> None:
    get_client("state").ping()  # connected: the handshake is not the request's cost
    with round_trips() as sent, django_assert_num_queries(0):
        audit.record("export", target="bookmarks", count=3)
    assert len(sent) == 1 and sent[0].split(b"\r\n")[2] == b"XADD"
    assert AuditEntry.objects.count() == 0
    assert get_client("state").xlen(keys.audit_stream()) == 1


def test_unknown_action_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record("coffee")


def test_entries_written_while_no_consumer_runs_all_land_once() -> None:
    for n in range(25):
        audit.record("export", target=f"bookmarks-{n}")
    assert consumer.drain("w1", batch=10) == 25
    assert consumer.drain("w1", batch=10) == 0
    assert sorted(AuditEntry.objects.values_list("target", flat=True)) == sorted(
        f"bookmarks-{n}" for n in range(25)
    )
    assert get_client("state").xpending(keys.audit_stream(), keys.AUDIT_GROUP)["pending"] == 0


def test_a_consumer_that_dies_mid_batch_leaves_its_entries_to_be_claimed_once() -> None:
    for n in range(10):
        audit.record("export", target=f"e{n}")
    client = get_client("state")
    consumer.ensure_group(client)
    # Worker A reads a batch, stores part of it, and dies before XACK.
    batch = consumer.read_new(client, "worker-a", batch=10)
    consumer.store(batch[:4])
    assert client.xpending(keys.audit_stream(), keys.AUDIT_GROUP)["pending"] == 10
    # Worker B: entries idle for less than the claim time stay A's; once stale they are B's.
    assert consumer.drain("worker-b", claim_idle_ms=3_600_000) == 0
    assert AuditEntry.objects.count() == 4
    assert consumer.drain("worker-b", claim_idle_ms=0) == 10
    targets = list(AuditEntry.objects.values_list("target", flat=True))
    assert sorted(targets) == sorted(f"e{n}" for n in range(10))  # each once
    assert client.xpending(keys.audit_stream(), keys.AUDIT_GROUP)["pending"] == 0


def test_security_actions_are_audited_and_searchable_in_the_admin() -> None:
    user = make_user(username="alice")
    browser = Client(REMOTE_ADDR="198.51.100.4")
    browser.post(reverse("account_login"), {"login": "alice", "password": "wrong"})
    browser.post(reverse("account_login"), {"login": "alice", "password": PASSWORD})
    api_services.create_token(user, name="ci", scopes=["bookmarks:read"], expires_at=None)
    consumer.drain("w")
    entries = {e.action: e for e in AuditEntry.objects.all()}
    assert {"login_failed", "login", "token_created"} <= set(entries)
    assert entries["login_failed"].target == "alice" and entries["login_failed"].ip == "198.51.100.4"
    assert entries["login"].actor == "alice" and entries["login"].actor_id == user.pk
    assert "secret" not in entries["token_created"].detail

    staff = make_user(is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(staff)
    changelist = reverse("admin:core_auditentry_changelist")
    page = admin.get(changelist, {"q": "198.51.100.4"})
    assert page.status_code == 200
    assert {e.action for e in page.context["cl"].result_list} == {"login_failed", "login"}
    assert admin.get(changelist, {"q": "<script>"}).status_code == 200
    assert admin.post(reverse("admin:core_auditentry_add")).status_code == 403


def test_exports_revocations_admin_changes_and_rate_limit_resets_are_audited() -> None:
    from django.contrib.admin.models import CHANGE, LogEntry

    from accounts import services as account_services
    from core.ratelimit import identity
    from core.ratelimit import services as ratelimit_services
    from tests.factories import signed_in

    user = make_user()
    browser = signed_in(user)
    assert browser.get(reverse("content:export_bookmarks")).status_code == 200
    account_services.revoke_other_sessions(user.pk, keep_key=None)
    staff = make_user(is_staff=True)
    LogEntry.objects.log_actions(staff.pk, [user], CHANGE, change_message="[]", single_object=True)
    ratelimit_services.reset(identity.checks_for_user(user), target=f"user:{user.pk}")
    consumer.drain("w")
    entries = {e.action: e for e in AuditEntry.objects.all()}
    assert entries["export"].target == "bookmarks" and entries["export"].actor_id == user.pk
    assert entries["sessions_revoked"].target == f"user:{user.pk}"
    assert entries["admin_change"].actor_id == staff.pk and entries["admin_change"].target.endswith(
        f":{user.pk}"
    )
    assert entries["ratelimit_reset"].target == f"user:{user.pk}"
