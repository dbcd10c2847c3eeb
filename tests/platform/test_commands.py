"""Maintenance commands: redis_health, cache_inspect, cache_invalidate, cache_warm."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.caches import PROFILE
from accounts.selectors import get_profile
from analytics.caches import DASHBOARD
from core.redis import families, keys
from core.redis.client import get_client
from core.redis.families import CacheFamily, register, unregister
from core.redis.keyspace import key_family
from search.caches import SEARCH
from tests.factories import make_user
from tests.redis_support import point_roles_at
from tests.server_logs import checked_redis
from tools.redis_process import RedisProcess, free_port

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def profile_cached(user_id: int) -> bool:
    key = keys.family_entry_cache_key("profile", user_id, PROFILE.generation(user_id), ())
    return caches["default"].get(key) is not None


# --- redis_health ---------------------------------------------------------------------------


def test_redis_health_prints_metrics_and_pools_per_role(private_redis_roles: RedisProcess) -> None:
    out = run("redis_health")  # a fresh server: no alert, so no CommandError
    assert "cache:" in out and "state:" in out
    assert out.count("redis_version: ") == 2
    assert out.count("circuit: closed") == 2
    assert out.count("pool (this process): size 20, in_use 0, idle 1, created 1, waits 0, timeouts 0") == 2
    assert out.count("no alerts") == 2


def test_redis_health_quiet_prints_only_alerts(private_redis_roles: RedisProcess) -> None:
    assert run("redis_health", "--verbosity", "0") == ""


def test_redis_health_exits_3_when_it_prints_an_alert(private_redis_roles: RedisProcess) -> None:
    state = get_client("state")
    for n in range(10):
        state.get(f"missing:{n}")  # ten misses, no hit: the hit-rate alert
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="alerts for role") as raised:
        call_command("redis_health", "--verbosity", "0", stdout=out, stderr=err)
    assert raised.value.returncode == 3
    assert out.getvalue().count("ALERT") == 2  # cache and state share this server
    assert "ALERT state: hit rate 0%" in out.getvalue()


def test_redis_health_eviction_window_samples_twice(private_redis_roles: RedisProcess) -> None:
    assert "no alerts" in run("redis_health", "--eviction-window", "0.01")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "must be more than 0 seconds, not -1"),
        ("0", "must be more than 0 seconds, not 0"),
        ("nan", "must be more than 0 seconds, not nan"),
        ("inf", "must be more than 0 seconds, not inf"),
        ("soon", "'soon' is not a number of seconds"),
        ("601", "must be at most 600 seconds, not 601"),
    ],
)
def test_redis_health_rejects_a_bad_eviction_window(value: str, message: str) -> None:
    with pytest.raises(CommandError, match=f"argument --eviction-window: {message}"):
        call_command("redis_health", "--eviction-window", value, stdout=StringIO(), stderr=StringIO())


def test_redis_health_fails_when_a_role_is_unreachable(settings) -> None:  # type: ignore[no-untyped-def]
    caches_setting = copy.deepcopy(settings.CACHES)
    caches_setting["state"]["LOCATION"] = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = caches_setting
    err = StringIO()
    with pytest.raises(CommandError, match="state") as raised:
        call_command("redis_health", stdout=StringIO(), stderr=err)
    assert raised.value.returncode == 1
    assert "unreachable" in err.getvalue()


def test_redis_health_skips_a_role_on_the_local_fallback(settings, private_redis_roles: RedisProcess) -> None:  # type: ignore[no-untyped-def]
    local = copy.deepcopy(settings.CACHES)
    local["default"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = local
    out = run("redis_health")
    assert "not configured with Redis (local fallback in use)" in out
    assert out.count("redis_version: ") == 1


# --- cache_inspect --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "family"),
    [
        ("tk:1:u:5:profile", "u"),
        ("tk:1:gen:search:5", "gen"),
        ("tk:1:search:5:g123:abc", "search"),
        ("tk:1:django.contrib.sessions.cached_dbx1y2z3", "django.contrib.sessions.cached_db"),
        ("tk:1:s:x1y2z3", "s"),
        ("tk:{u:5}:sessions", "{u}"),
        ("tk:rl:{login:abc}:count", "rl"),
        ("tk:mkt:trending", "mkt"),
        ("tk:ch:asgi:group", "ch"),
        ("tkx:1:u:5:profile", None),
        ("other:1:u", None),
    ],
)
def test_key_family(key: str, family: str | None) -> None:
    assert key_family(key, "tk") == family


def populate(user_ids: list[int], redis_key_prefix: str) -> None:
    for user_id in user_ids:
        get_profile(user_id)
        SEARCH.generation(user_id)
    get_client("state").set(f"{redis_key_prefix}:{{u:{user_ids[0]}}}:sessions", "x")  # no TTL


def family_rows(out: str) -> dict[str, list[str]]:
    """The table cache_inspect printed, by family (the lines after the header)."""
    lines = out.splitlines()
    start = next(n for n, line in enumerate(lines) if line.split()[:2] == ["family", "keys"])
    end = next(n for n, line in enumerate(lines) if line.startswith("Cache families"))
    return {line.split()[0]: line.split() for line in lines[start + 1 : end]}


def test_cache_inspect_counts_families_with_ttls_and_memory(redis_key_prefix: str) -> None:
    users = [make_user().pk for _ in range(3)]
    populate(users, redis_key_prefix)
    out = run("cache_inspect", "--batch", "2", "--verbosity", "2")
    assert "cache+state (127.0.0.1:" in out  # one server behind both roles: scanned once
    assert "10 keys matching" in out
    assert "scanned 10 keys..." in out  # progress every SCAN batch at -v 2
    rows = family_rows(out)
    assert rows["profile"][1:3] == ["3", "0"]  # three profiles, all with a TTL
    assert rows["gen"][1:3] == ["6", "0"]  # a profile and a search generation per user
    assert rows["{u}"][1:3] == ["1", "1"]  # the persistent key is flagged
    assert rows["profile"][3].endswith("m")  # TTL min in minutes (15 min profiles)
    assert rows["profile"][6].endswith("B")  # estimated memory from MEMORY USAGE


def test_cache_inspect_pattern_and_limit(redis_key_prefix: str) -> None:
    users = [make_user().pk for _ in range(3)]
    populate(users, redis_key_prefix)
    out = run("cache_inspect", "--pattern", "1:profile:*")
    assert "3 keys matching" in out and "gen " not in out
    limited = run("cache_inspect", "--limit", "2", "--batch", "1")
    assert "2 keys matching" in limited
    assert "stopped after 2 keys (--limit)" in limited


def test_cache_inspect_scans_each_role_server_separately(settings, redis_key_prefix: str) -> None:  # type: ignore[no-untyped-def]
    with checked_redis(RedisProcess()) as state_server:
        split = copy.deepcopy(settings.CACHES)
        split["state"]["LOCATION"] = state_server.url
        settings.CACHES = split
        populate([make_user().pk], redis_key_prefix)
        out = run("cache_inspect")
    assert "cache (127.0.0.1:6379" in out or "cache (127.0.0.1:" in out
    assert f"state (127.0.0.1:{state_server.port}/0)" in out
    assert out.count("keys matching") == 2


def test_cache_inspect_never_uses_keys(redis_key_prefix: str) -> None:
    populate([make_user().pk], redis_key_prefix)
    before = get_client("state").info("commandstats").get("cmdstat_keys", {}).get("calls", 0)
    run("cache_inspect")
    after = get_client("state").info("commandstats").get("cmdstat_keys", {}).get("calls", 0)
    assert after == before


def test_cache_inspect_fails_when_redis_is_down(settings) -> None:  # type: ignore[no-untyped-def]
    point_roles_at(settings, f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(CommandError, match="unreachable"):
        run("cache_inspect")


# --- cache_invalidate -----------------------------------------------------------------------


def test_invalidate_one_family_of_one_user() -> None:
    user, other = make_user(), make_user()
    generations = {u.pk: SEARCH.generation(u.pk) for u in (user, other)}
    dashboards = DASHBOARD.generation(user.pk)
    get_profile(user.pk)
    out = run("cache_invalidate", "--user", str(user.pk), "--family", "search")
    assert "Done: invalidate search (1 user(s))." in out
    assert SEARCH.generation(user.pk) == generations[user.pk] + 1
    assert SEARCH.generation(other.pk) == generations[other.pk]
    assert DASHBOARD.generation(user.pk) == dashboards
    assert profile_cached(user.pk)


def test_invalidate_profile_drops_the_cached_profile() -> None:
    user = make_user()
    get_profile(user.pk)
    run("cache_invalidate", "--user", str(user.pk), "--family", "profile", "--family", "dashboard")
    assert not profile_cached(user.pk)


def test_invalidate_all_families_of_all_users_in_chunks() -> None:
    users = [make_user() for _ in range(5)]
    before = {u.pk: (SEARCH.generation(u.pk), DASHBOARD.generation(u.pk)) for u in users}
    for user in users:
        get_profile(user.pk)
    out = run("cache_invalidate", "--users", "all", "--all-families", "--chunk-size", "2")
    assert [line.strip() for line in out.splitlines() if line.strip().endswith(" users")] == [
        "2/5 users",
        "4/5 users",
        "5/5 users",
    ]
    for user in users:
        assert (SEARCH.generation(user.pk), DASHBOARD.generation(user.pk)) == (
            before[user.pk][0] + 1,
            before[user.pk][1] + 1,
        )
        assert not profile_cached(user.pk)


def test_invalidate_dry_run_changes_nothing() -> None:
    users = [make_user() for _ in range(3)]
    before = [SEARCH.generation(u.pk) for u in users]
    get_profile(users[0].pk)
    out = run("cache_invalidate", "--users", "all", "--all-families", "--dry-run", "--verbosity", "2")
    every = ", ".join(families.names())  # dashboard, profile, search and the global families
    assert f"Dry run: would invalidate {every} for 3 user(s)" in out
    assert all(f"user {u.pk}" in out for u in users)
    assert [SEARCH.generation(u.pk) for u in users] == before
    assert profile_cached(users[0].pk)


def test_invalidate_walks_users_with_one_query_per_chunk() -> None:
    for _ in range(5):
        make_user()
    with CaptureQueriesContext(connection) as queries:
        run("cache_invalidate", "--users", "all", "--family", "search", "--chunk-size", "2")
    # count + 3 chunks of ids + the empty chunk that ends the walk
    assert len(queries) == 5, [q["sql"] for q in queries]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--family", "search"], "Choose users"),
        (["--user", "1"], "Choose --family"),
        (["--user", "1", "--family", "nosuch"], "Unknown cache family nosuch"),
        (["--users", "1,x", "--family", "search"], "comma-separated ids"),
        (["--users", "all", "--user", "1", "--family", "search"], "not both"),
        (["--user", "999999", "--family", "search"], "No users selected"),
        (["--users", "all", "--family", "search", "--chunk-size", "0"], "at least 1"),
    ],
)
def test_invalidate_rejects_bad_arguments(args: list[str], message: str) -> None:
    make_user()
    with pytest.raises(CommandError, match=message):
        run("cache_invalidate", *args)


def test_invalidate_warns_about_unknown_ids_and_does_the_rest() -> None:
    user = make_user()
    err = StringIO()
    call_command(
        "cache_invalidate",
        "--users",
        f"{user.pk},999999",
        "--family",
        "search",
        stdout=StringIO(),
        stderr=err,
    )
    assert "No user with id 999999; skipped." in err.getvalue()


def test_invalidate_refuses_when_the_cache_redis_is_down(settings) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    point_roles_at(settings, f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(CommandError, match="does not answer"):
        run("cache_invalidate", "--user", str(user.pk), "--family", "search")


def test_invalidate_refuses_a_local_cache(settings) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    local = copy.deepcopy(settings.CACHES)
    local["default"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = local
    with pytest.raises(CommandError, match="local cache"):
        run("cache_invalidate", "--user", str(user.pk), "--family", "search")


# --- cache_warm -----------------------------------------------------------------------------


def test_warm_fills_every_profile_in_pk_order_chunks() -> None:
    users = [make_user() for _ in range(5)]
    SEARCH.invalidate(users[0].pk)  # unrelated families are left alone
    out = run("cache_warm", "--chunk-size", "2")
    warmable = ", ".join(f.name for f in families.families() if f.warmable)
    assert {"dashboard", "profile", "search"} <= set(warmable.split(", "))
    assert f"Going to warm {warmable} for 5 user(s)" in out
    assert "5/5 users" in out
    assert all(profile_cached(u.pk) for u in users)
    assert get_profile(users[0].pk)["username"] == users[0].username


def test_warm_selected_users_and_dry_run() -> None:
    users = [make_user() for _ in range(3)]
    run("cache_warm", "--users", f"{users[0].pk},{users[2].pk}", "--family", "profile", "--dry-run")
    assert not any(profile_cached(u.pk) for u in users)
    run("cache_warm", "--users", f"{users[0].pk},{users[2].pk}", "--family", "profile")
    assert [profile_cached(u.pk) for u in users] == [True, False, True]


def test_warm_of_already_cached_profiles_needs_no_profile_query() -> None:
    for _ in range(3):
        make_user()
    run("cache_warm", "--family", "profile")
    with CaptureQueriesContext(connection) as queries:
        run("cache_warm", "--family", "profile", "--verbosity", "0")
    assert len(queries) == 3  # count, one chunk of ids, the empty chunk: no per-user query


# --- the registry: a family declared by another app appears in all three commands ------------


class Warmed:
    """A family's warm hook that records whom it warmed (and fills the family as a real one does)."""

    def __init__(self) -> None:
        self.users: list[int] = []

    def __call__(self, user_id: int) -> None:
        self.users.append(user_id)
        TEST_FAMILY.get_or_compute(lambda: {"for": user_id}, "page", user_id=user_id)


warmed = Warmed()
TEST_FAMILY = CacheFamily(
    name="testapp", ttl=120, invalidated_by=("testapp_changed",), warm_user=warmed, description="a test app"
)


@pytest.fixture
def test_app_family() -> Iterator[CacheFamily]:
    """What a new app's ``AppConfig.ready()`` does: register its family."""
    warmed.users.clear()
    register(TEST_FAMILY)
    yield TEST_FAMILY
    unregister(TEST_FAMILY.name)


def test_a_new_apps_family_is_warmed_invalidated_and_inspected(test_app_family: CacheFamily) -> None:
    users = [make_user().pk for _ in range(3)]
    out = run("cache_warm", "--family", "testapp", "--users", f"{users[0]},{users[1]}")
    assert "Going to warm testapp for 2 user(s)" in out
    assert warmed.users == users[:2]
    assert test_app_family.get_or_compute(dict, "page", user_id=users[0]).hit

    inspected = run("cache_inspect", "--family", "testapp", "--user", str(users[0]))
    summary = "testapp: user, TTL 2.0m, invalidated by testapp_changed, warmable, 4 keys  a test app"
    assert summary in inspected  # two entries and two generation counters
    assert f"user {users[0]}: generation {test_app_family.generation(users[0])}, 1 live entries" in inspected

    run("cache_invalidate", "--family", "testapp", "--user", str(users[0]))
    assert not test_app_family.get_or_compute(dict, "page", user_id=users[0]).hit
    assert test_app_family.get_or_compute(dict, "page", user_id=users[1]).hit


def test_invalidating_one_users_search_leaves_others_and_sessions_untouched(redis_key_prefix: str) -> None:
    from search import selectors
    from search.query import SearchParams, words

    user, other = make_user(), make_user()
    params = SearchParams(terms=words("anything"))
    for person in (user, other):
        selectors.search(person.pk, params)
    signed_in = Client()
    signed_in.force_login(other)
    session_keys = sorted(get_client("state").scan_iter(match=f"{redis_key_prefix}*session*"))
    assert session_keys
    run("cache_invalidate", "--family", "search", "--user", str(user.pk))
    assert not selectors.search(user.pk, params)["cached"]
    assert selectors.search(other.pk, params)["cached"]
    assert sorted(get_client("state").scan_iter(match=f"{redis_key_prefix}*session*")) == session_keys
    assert signed_in.get("/").status_code == 200
