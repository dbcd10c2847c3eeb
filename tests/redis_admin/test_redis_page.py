"""The admin's Redis page against a real redis-server: figures with the sampler's OK/WARN, charts from
its series, key counts by SCAN, the three audited actions, staff-only access, and Redis down."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from core.monitoring import series
from core.monitoring.alerts import alerts_for
from core.ratelimit import identity
from core.ratelimit import services as ratelimit_services
from core.redis import families
from core.redis.client import get_client
from core.redis_admin import selectors, services
from tests.factories import make_user, signed_in
from tests.redis_admin.conftest import (
    audit_entries,
    entries_of,
    fill_user_caches,
    hits,
    sample_a_few_times,
)
from tools.redis_process import RedisProcess

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("redis_server")]

PAGE = "redisadmin:page"
ACTIONS = ("redisadmin:invalidate", "redisadmin:sessions", "redisadmin:ratelimits")
PER_USER = [f.name for f in families.families() if f.per_user]


def test_the_page_is_linked_from_the_admin_index(staff_client: Client) -> None:
    index = staff_client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse(PAGE)}"' in index


@pytest.mark.parametrize("who", ["anonymous", "not staff"])
def test_only_staff_reach_the_page_and_its_actions(who: str) -> None:
    client = Client() if who == "anonymous" else signed_in(make_user())
    victim = make_user()
    fill_user_caches(victim.pk)
    login = reverse("admin:login")
    page = client.get(reverse(PAGE))
    assert page.status_code == 302 and page["Location"].startswith(login)
    for action in ACTIONS:
        response = client.post(reverse(action), {"user": victim.pk, "confirmed": "yes"})
        assert response.status_code == 302 and response["Location"].startswith(login)
    assert all(hits(victim.pk).values())  # nothing was invalidated


def test_staff_without_the_change_permission_see_the_page_but_cannot_act() -> None:
    viewer = make_user(is_staff=True)
    victim = make_user()
    fill_user_caches(victim.pk)
    client = signed_in(viewer)
    page = client.get(reverse(PAGE))
    assert page.status_code == 200 and not page.context["can_act"]
    assert 'id="invalidate-form"' not in page.content.decode()
    for action in ACTIONS:
        assert client.post(reverse(action), {"user": victim.pk, "confirmed": "yes"}).status_code == 403
    assert all(hits(victim.pk).values())
    viewer.user_permissions.add(Permission.objects.get(codename="change_user"))
    assert signed_in(viewer).get(reverse(PAGE)).context["can_act"]


def test_each_role_shows_the_samplers_figures_and_charts(staff_client: Client) -> None:
    sample_a_few_times(3)
    response = staff_client.get(reverse(PAGE))
    assert response.status_code == 200
    cache, state, channels = response.context["overview"].roles
    assert cache.available and cache.samples_last_hour == 3 and cache.samples_last_day == 3
    assert state.url_role == "cache" and channels.url_role == "cache"  # one server, sampled once
    labels = {row.label for row in cache.rows}
    assert {
        "Memory",
        "Hit rate (since start)",
        "Evictions",
        "Clients",
        "Slow log (since the last sample)",
    } <= labels
    assert {"Replication", "Persistence", "Fragmentation", "Operations"} <= labels
    assert {"Connection pool (this web process)", "Connection pool (the worker, last sample)"} <= labels
    statuses = {row.label: row.status for row in cache.rows}
    assert statuses["Clients"] == "OK" and statuses["Persistence"] == "OK"
    assert {pair.name for pair in cache.charts} == {"memory", "hit_rate", "ops", "clients", "evictions"}
    html = response.content.decode()
    assert html.count('<svg class="chart line"') == 10  # five figures, the hour and the day
    assert "<polyline" in html
    # Hit rate, clients and evictions have thresholds (memory too, with a maxmemory): drawn or named.
    assert html.count('class="threshold"') + html.count("threshold-note") == 6


def test_status_is_the_samplers_alert_for_the_same_reading(redis_server: RedisProcess) -> None:
    sample_a_few_times(2)
    client = get_client("cache")
    used = int(client.info("memory")["used_memory"])
    client.config_set("maxmemory", int(used * 1.1))  # above the 80 % threshold, still writable
    try:
        cache = selectors.role_panels()[0]
    finally:
        client.config_set("maxmemory", 0)
    statuses = {row.label: row.status for row in cache.rows}
    assert statuses["Memory"] == "WARN" and "memory" in cache.alerts
    latest = series.latest("cache")
    assert latest is not None
    # The page's reading was not stored: the series still has the sampler's two.
    assert len(series.since("cache", 0)) == 2
    assert "memory" not in alerts_for(latest.figures)


def test_key_counts_per_family_sessions_and_rate_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    users = [make_user() for _ in range(3)]
    for user in users:
        fill_user_caches(user.pk)
    signed_in(users[0])
    checks = identity.checks_for_user(users[1])
    ratelimit_services.hit(checks)
    counts = selectors.key_counts()
    by_family = {row.name: row for row in counts.families}
    for name in PER_USER:
        assert by_family[name].count == 3 and by_family[name].shown == "3"
    assert counts.sessions is not None and counts.sessions.count == 1
    assert counts.rate_limits is not None and counts.rate_limits.count == len({c.key for c in checks})
    assert counts.scans and "all" in counts.scans[0]

    monkeypatch.setattr(selectors, "KEY_SCAN_BATCH", 5)
    monkeypatch.setattr(selectors, "KEY_SCAN_LIMIT", 5)
    capped = selectors.key_counts()
    assert all(row.shown.startswith("about ") for row in capped.families)
    assert "examined" in capped.scans[0] and "all" not in capped.scans[0]


def test_invalidating_one_users_caches_leaves_everyone_else_alone(staff: Any) -> None:
    x, y = make_user(), make_user()
    fill_user_caches(x.pk)
    fill_user_caches(y.pk)
    done = services.invalidate_user_caches(x.pk)
    assert set(done.families) == set(PER_USER) and done.complete
    assert done.deleted == dict.fromkeys(PER_USER, 1)
    for name in PER_USER:
        assert entries_of(name, x.pk) == [] and len(entries_of(name, y.pk)) == 1
    assert not any(hits(x.pk).values())
    assert all(hits(y.pk).values())
    entry = [e for e in audit_entries() if e.action == "cache_invalidated"][-1]
    assert entry.target == f"user:{x.pk}"


def test_the_invalidate_action_posts_and_is_audited(staff: Any, staff_client: Client) -> None:
    x, y = make_user(), make_user()
    fill_user_caches(x.pk)
    fill_user_caches(y.pk)
    response = staff_client.post(reverse("redisadmin:invalidate"), {"user": x.pk}, follow=True)
    assert response.status_code == 200
    assert f"Caches of {x.get_username()}" in response.content.decode()
    assert not any(hits(x.pk).values()) and all(hits(y.pk).values())
    entry = [e for e in audit_entries() if e.action == "cache_invalidated"][-1]
    assert entry.actor_id == staff.pk and entry.target == f"user:{x.pk}"
    unknown = staff_client.post(reverse("redisadmin:invalidate"), {"user": 999_999}, follow=True)
    assert "No user with id 999999" in unknown.content.decode()
    assert staff_client.get(reverse("redisadmin:invalidate")).status_code == 405


def test_revoking_sessions_asks_first_then_signs_the_user_out(staff: Any, staff_client: Client) -> None:
    x, y = make_user(), make_user()
    x_browser, y_browser = signed_in(x), signed_in(y)
    home = reverse("content:bookmark_list")
    assert x_browser.get(home).status_code == 200
    ask = staff_client.post(reverse("redisadmin:sessions"), {"user": x.pk})
    assert ask.status_code == 200
    assert f"Sign {x.get_username()} (id {x.pk}) out of all 1 session(s)?" in ask.content.decode()
    assert re.search(r'name="confirmed" value="yes"', ask.content.decode())
    assert x_browser.get(home).status_code == 200  # asking changed nothing
    done = staff_client.post(reverse("redisadmin:sessions"), {"user": x.pk, "confirmed": "yes"}, follow=True)
    assert f"Signed {x.get_username()} out of 1 session(s)." in done.content.decode()
    assert x_browser.get(home).status_code == 302
    assert y_browser.get(home).status_code == 200
    entry = [e for e in audit_entries() if e.action == "sessions_revoked"][-1]
    assert entry.actor_id == staff.pk and entry.target == f"user:{x.pk}"


def test_resetting_a_rate_limit_identity_asks_first_and_deletes_only_its_buckets(
    staff: Any, staff_client: Client
) -> None:
    x, y = make_user(), make_user()
    x_checks, y_checks = identity.checks_for_user(x), identity.checks_for_user(y)
    ratelimit_services.hit(x_checks)
    ratelimit_services.hit(y_checks)
    state = get_client("state")
    assert all(state.exists(check.key) for check in x_checks)
    ask = staff_client.post(reverse("redisadmin:ratelimits"), {"user": x.pk})
    assert ask.status_code == 200 and "Reset every rate limit of user" in ask.content.decode()
    assert all(state.exists(check.key) for check in x_checks)
    staff_client.post(reverse("redisadmin:ratelimits"), {"user": x.pk, "confirmed": "yes"})
    assert not any(state.exists(check.key) for check in x_checks)
    assert all(state.exists(check.key) for check in y_checks)
    entry = [e for e in audit_entries() if e.action == "ratelimit_reset"][-1]
    assert entry.actor_id == staff.pk and str(x.pk) in entry.target
    both = staff_client.post(reverse("redisadmin:ratelimits"), {"user": x.pk, "ip": "192.0.2.1"}, follow=True)
    assert "Give either a user id or an IP address." in both.content.decode()


def test_with_redis_down_every_role_is_unavailable_and_the_page_still_renders(
    redis_server: RedisProcess, staff_client: Client
) -> None:
    sample_a_few_times(2)
    staff_client.get(reverse(PAGE))  # the session is read before Redis goes
    redis_server.stop()
    response = staff_client.get(reverse(PAGE))
    assert response.status_code == 200
    overview = response.context["overview"]
    cache = overview.roles[0]
    assert not cache.available and cache.error.startswith("unavailable")
    assert cache.charts_error.startswith("unavailable")
    assert overview.keys.error.startswith("unavailable")
    html = response.content.decode()
    assert "Cache: unavailable" in html and "Key counts: unavailable" in html
    x = make_user()
    reset = staff_client.post(
        reverse("redisadmin:ratelimits"), {"user": x.pk, "confirmed": "yes"}, follow=True
    )
    assert reset.status_code == 200 and "does not answer" in reset.content.decode()


def test_actions_need_the_csrf_token(staff: Any) -> None:
    victim = make_user()
    fill_user_caches(victim.pk)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    for action in ACTIONS:
        assert client.post(reverse(action), {"user": victim.pk, "confirmed": "yes"}).status_code == 403
    assert all(hits(victim.pk).values())


def test_without_a_session_owner_the_sessions_action_is_hidden_and_refused(
    staff_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.redis_admin import hooks

    monkeypatch.setattr(hooks, "_sessions", [])
    x = make_user()
    x_browser = signed_in(x)
    assert 'id="sessions-form"' not in staff_client.get(reverse(PAGE)).content.decode()
    refused = staff_client.post(
        reverse("redisadmin:sessions"), {"user": x.pk, "confirmed": "yes"}, follow=True
    )
    assert "No app manages sessions here" in refused.content.decode()
    assert x_browser.get(reverse("content:bookmark_list")).status_code == 200
