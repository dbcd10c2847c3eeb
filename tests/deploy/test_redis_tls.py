"""TLS to Redis (``rediss://``) for every role and client, against real TLS-only redis-servers.

Certificates are made at test time (tests/deploy/tls.py). The app's settings are built from the same
environment variables an operator sets (``REDIS_URL``, ``REDIS_TLS_CA_FILE``, ...), through
``trackeep.redis_config``; processes (a job worker, two Daphne instances) get those variables too.
A server that requires a client certificate (``tls-auth-clients yes``) is used unless a test says
otherwise. A wrong CA, or no client certificate, is refused, and the app takes its outage paths.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import environ
import pytest
import redis
import yaml
from channels.layers import get_channel_layer
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client
from django_redis.pool import ConnectionFactory
from rq.job import JobStatus
from websockets.sync.client import connect

from accounts.sessions.redis_db import SessionStore
from bench.appservers import AppCluster
from core import checks as redis_checks
from core import jobs
from core.audit import consumer as audit_consumer
from core.audit import stream as audit_stream
from core.models import AuditEntry
from core.monitoring import sampler
from core.ratelimit import metrics, policies
from core.ratelimit.base import Check
from core.ratelimit.redis_limiter import RedisLimiter
from core.redis import breaker
from core.redis.channels import TrackeepChannelLayer, TrackeepPubSubChannelLayer
from core.redis.client import get_client
from core.redis.errors import RedisUnavailable
from core.redis.health import ping
from core.redis.sentinel import SentinelPrimarySSLConnection
from tests.deploy.compose import (
    ROOT,
    bind_mounts,
    interpolate,
    load_compose,
    localized_config,
    redis_directives,
)
from tests.deploy.tls import Pki, TlsRedisProcess, make_pki, tls_sentinel
from tests.factories import make_user, signed_in
from tests.jobs.processes import start, subprocess_env, wait_for
from tests.jobs.sampleapp.jobs import tick
from tests.messaging.conftest import (  # noqa: F401 (migrated_database: a fixture)
    migrated_database,
    next_created,
    post_message,
    socket_headers,
)
from tests.server_logs import assert_clean_logs, checked_cluster, checked_redis
from trackeep.redis_config import (
    ROLES,
    TlsConfigError,
    channel_layer,
    django_redis_cache,
    monitor_urls,
    role_settings,
    rq_connection,
)

pytestmark = pytest.mark.slow
MISSING_PAGE = "/no-such-page/"
TLS_VARIABLES = ("REDIS_TLS_CA_FILE", "REDIS_TLS_CERT_FILE", "REDIS_TLS_KEY_FILE")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tls_redis(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsRedisProcess]:
    """A TLS-only server that requires a client certificate signed by the test CA."""
    server = TlsRedisProcess(pki=pki, data_dir=tmp_path_factory.mktemp("tls-redis"))
    with checked_redis(server):
        yield server


def client_files(pki: Pki) -> dict[str, str]:
    """The global TLS variables: the test CA and the client certificate."""
    return {
        "REDIS_TLS_CA_FILE": str(pki.ca),
        "REDIS_TLS_CERT_FILE": str(pki.client_cert),
        "REDIS_TLS_KEY_FILE": str(pki.client_key),
    }


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Callable[..., environ.Env]:
    """``environment(**variables)``: os.environ without any REDIS_* variable but these ones."""
    for name in list(os.environ):
        if name.startswith("REDIS_"):
            monkeypatch.delenv(name)

    def build(**variables: str) -> environ.Env:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return environ.Env()

    return build


@pytest.fixture
def use_redis(
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    environment: Callable[..., environ.Env],
    redis_key_prefix: str,
) -> Callable[..., None]:
    """``use_redis(**variables)``: every role's settings rebuilt from these environment variables
    exactly as trackeep/settings.py builds them (caches, sessions, channel layer, job queue, sampler)."""
    # django-redis keeps one pool per URL for the whole process: a test's TLS files must not find a
    # pool another test opened to the same URL with other files.
    monkeypatch.setattr(ConnectionFactory, "_pools", {})

    def apply(key_prefix: str = redis_key_prefix, **variables: str) -> None:
        env = environment(**variables)
        settings.REDIS_KEY_PREFIX = key_prefix
        roles = {role: role_settings(env, role) for role in ROLES}
        settings.REDIS_ROLES = roles
        settings.REDIS_MONITOR_URLS = monitor_urls(env, roles)
        settings.CACHES = {
            "default": django_redis_cache(
                roles["cache"], key_prefix=key_prefix, ignore_exceptions=True, timeout=300
            ),
            "state": django_redis_cache(
                roles["state"], key_prefix=key_prefix, ignore_exceptions=False, timeout=86400
            ),
        }
        settings.CHANNEL_LAYERS = {"default": channel_layer(roles["channels"], prefix=key_prefix)}
        settings.RQ_QUEUES = {
            name: {**{k: v for k, v in config.items() if k != "URL"}, **rq_connection(roles["state"])}
            for name, config in django_settings.RQ_QUEUES.items()
        }
        breaker.reset_all_breakers()

    return apply


# --- configuration ---------------------------------------------------------------------------


def test_plain_urls_are_unchanged_by_tls_files(environment: Callable[..., environ.Env], pki: Pki) -> None:
    role = role_settings(environment(REDIS_URL="redis://127.0.0.1:6379/0", **client_files(pki)), "state")
    cache = django_redis_cache(role, key_prefix="tk", ignore_exceptions=False, timeout=60)
    assert not any(name.startswith("ssl") for name in cache["OPTIONS"]["CONNECTION_POOL_KWARGS"])
    (host,) = channel_layer(role, prefix="tk")["CONFIG"]["hosts"]
    assert not any(name.startswith("ssl") for name in host)
    assert "ssl" not in rq_connection(role)["URL"]


def test_rediss_urls_carry_the_ca_and_client_certificate_to_every_client(
    environment: Callable[..., environ.Env], pki: Pki
) -> None:
    role = role_settings(
        environment(REDIS_URL="rediss://app:pw@redis.internal:6380/2", **client_files(pki)), "state"
    )
    expected = {
        "ssl_cert_reqs": "required",
        "ssl_check_hostname": True,
        "ssl_ca_certs": str(pki.ca),
        "ssl_certfile": str(pki.client_cert),
        "ssl_keyfile": str(pki.client_key),
    }
    pool_kwargs = django_redis_cache(role, key_prefix="tk", ignore_exceptions=False, timeout=60)["OPTIONS"][
        "CONNECTION_POOL_KWARGS"
    ]
    assert {k: v for k, v in pool_kwargs.items() if k.startswith("ssl")} == expected
    (host,) = channel_layer(role, prefix="tk")["CONFIG"]["hosts"]
    assert host["address"] == role.url and {k: v for k, v in host.items() if k.startswith("ssl")} == expected
    # django-rq reads a URL only: the files travel in its query string, redis-py parses them back.
    url = rq_connection(role)["URL"]
    client = redis.Redis.from_url(url, ssl_cert_reqs="required")
    kwargs = client.connection_pool.connection_kwargs
    assert {k: v for k, v in kwargs.items() if k.startswith("ssl")} == expected
    assert client.connection_pool.connection_class is redis.SSLConnection


def test_a_roles_own_files_override_the_global_ones(
    environment: Callable[..., environ.Env], pki: Pki, tmp_path: Path
) -> None:
    other = make_pki(tmp_path / "other")
    env = environment(
        REDIS_URL="rediss://redis.internal:6380/0",
        **client_files(pki),
        REDIS_CACHE_TLS_CA_FILE=str(other.ca),
        REDIS_CACHE_TLS_CERT_FILE=str(other.client_cert),
        REDIS_CACHE_TLS_KEY_FILE=str(other.client_key),
        REDIS_TLS_CHECK_HOSTNAME="false",
    )
    cache, state = role_settings(env, "cache").tls, role_settings(env, "state").tls
    assert (cache.ca_file, cache.cert_file, cache.key_file) == (
        str(other.ca),
        str(other.client_cert),
        str(other.client_key),
    )
    assert (state.ca_file, state.cert_file, state.key_file) == (
        str(pki.ca),
        str(pki.client_cert),
        str(pki.client_key),
    )
    assert cache.check_hostname is False and state.check_hostname is False


def test_sentinel_roles_use_tls_to_the_masters_and_optionally_to_the_sentinels(
    environment: Callable[..., environ.Env], pki: Pki
) -> None:
    env = environment(
        REDIS_URL="rediss://app:pw@ignored:6379/1",
        REDIS_SENTINELS="s1:26379,s2",
        REDIS_SENTINEL_TLS="true",
        **client_files(pki),
    )
    role = role_settings(env, "state")
    files = role.tls.connection_kwargs()
    sentinel_kwargs = {"ssl": True, **files, "socket_timeout": 1.0, "socket_connect_timeout": 1.0}
    options = django_redis_cache(role, key_prefix="tk", ignore_exceptions=False, timeout=60)["OPTIONS"]
    assert options["CONNECTION_POOL_KWARGS"]["connection_class"] is SentinelPrimarySSLConnection
    assert {k: v for k, v in options["CONNECTION_POOL_KWARGS"].items() if k.startswith("ssl")} == files
    assert options["SENTINEL_KWARGS"] == sentinel_kwargs
    (host,) = channel_layer(role, prefix="tk")["CONFIG"]["hosts"]
    assert host["ssl"] is True and host["sentinel_kwargs"] == sentinel_kwargs
    assert {k: v for k, v in host.items() if k.startswith("ssl_")} == files
    queue = rq_connection(role)
    assert queue["CONNECTION_KWARGS"] == {
        "socket_connect_timeout": 1.0,
        "connection_class": SentinelPrimarySSLConnection,
        "ssl": True,
        **files,
    }
    assert queue["SENTINEL_KWARGS"] == sentinel_kwargs
    plain_sentinels = role_settings(environment(REDIS_SENTINEL_TLS="false"), "state")
    assert plain_sentinels.sentinel_kwargs() is None
    assert "SENTINEL_KWARGS" not in rq_connection(plain_sentinels)


@pytest.mark.parametrize("variable", [*TLS_VARIABLES, "REDIS_STATE_TLS_CA_FILE", "REDIS_STATE_TLS_CERT_FILE"])
def test_a_missing_file_is_named_when_settings_load(
    environment: Callable[..., environ.Env], pki: Pki, variable: str
) -> None:
    env = environment(**{**client_files(pki), variable: "/nonexistent/redis.pem"})
    with pytest.raises(TlsConfigError, match=f"^{variable}=/nonexistent/redis.pem: no such file"):
        role_settings(env, "state")


def test_files_that_are_not_what_they_should_be_are_refused(
    environment: Callable[..., environ.Env], pki: Pki
) -> None:
    with pytest.raises(TlsConfigError, match=r"REDIS_TLS_CA_FILE=.*: not a PEM CA certificate"):
        role_settings(environment(REDIS_TLS_CA_FILE=str(pki.client_key)), "cache")
    mismatched = {**client_files(pki), "REDIS_TLS_KEY_FILE": str(pki.server_key)}
    with pytest.raises(TlsConfigError, match=r"REDIS_TLS_CERT_FILE=.* with REDIS_TLS_KEY_FILE=.*: not a PEM"):
        role_settings(environment(**mismatched), "cache")
    with pytest.raises(TlsConfigError, match="REDIS_TLS_KEY_FILE is set but REDIS_TLS_CERT_FILE is not"):
        role_settings(environment(REDIS_TLS_CERT_FILE="", REDIS_TLS_KEY_FILE=str(pki.client_key)), "cache")


def test_a_process_does_not_start_with_a_missing_file(pki: Pki) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDIS_")}
    env.update(REDIS_URL="rediss://127.0.0.1:6380/0", REDIS_TLS_CA_FILE="/nonexistent/ca.pem")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "REDIS_TLS_CA_FILE=/nonexistent/ca.pem: no such file" in result.stderr


def test_tls_files_with_a_plain_url_are_reported(use_redis: Callable[..., None], pki: Pki) -> None:
    use_redis(
        REDIS_URL="rediss://127.0.0.1:6380/0",
        REDIS_CACHE_URL="redis://127.0.0.1:6379/0",
        REDIS_STATE_MONITOR_URL="redis://monitor:pw@127.0.0.1:6380/0",
        **client_files(pki),
    )
    warnings = redis_checks.check_redis_tls(None)
    assert [w.id for w in warnings] == ["trackeep.W020", "trackeep.W020"]
    assert "cache Redis role but its URL is redis://" in warnings[0].msg
    assert "state Redis role but its monitoring URL is redis://" in warnings[1].msg
    use_redis(REDIS_URL="rediss://127.0.0.1:6380/0", REDIS_CACHE_URL="", REDIS_STATE_MONITOR_URL="")
    assert redis_checks.check_redis_tls(None) == []


# --- every role over TLS ------------------------------------------------------------------------


@pytest.fixture
def on_tls(use_redis: Callable[..., None], tls_redis: TlsRedisProcess, pki: Pki) -> TlsRedisProcess:
    """Every role on the TLS server, with the test CA and the client certificate."""
    use_redis(REDIS_URL=tls_redis.url, **client_files(pki))
    return tls_redis


def test_the_cache_aliases_and_raw_clients_work_over_tls(on_tls: TlsRedisProcess) -> None:
    for alias in ("default", "state"):
        caches[alias].set(f"greeting-{alias}", "hello", 60)
        assert caches[alias].get(f"greeting-{alias}") == "hello"
    assert get_client("state").connection_pool.connection_class.__name__ == "PoolSSLConnection"
    assert ping("cache") and ping("state")
    with on_tls.client() as server:  # seen by the server: the keys are there, the clients are TLS
        assert len(server.keys("*greeting-*")) == 2


@pytest.mark.django_db
def test_sessions_are_saved_and_loaded_over_tls(on_tls: TlsRedisProcess) -> None:
    session = SessionStore()
    session["answer"] = 42
    session.save()
    assert caches["state"].get(session.cache_key) is not None  # stored (in its compact form)
    SessionStore.get_model_class().objects.all().delete()  # what loads now can only come from Redis
    assert SessionStore(session_key=session.session_key)["answer"] == 42


def test_rate_limit_decisions_are_made_over_tls(on_tls: TlsRedisProcess) -> None:
    limiter = RedisLimiter()
    check = Check(
        policies.parse({"name": "t", "limit": 2, "window": 60, "algorithm": "sliding_window"}), "user:1"
    )
    decisions = [limiter.hit([check])[0] for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]


@pytest.mark.django_db
def test_the_audit_stream_and_its_consumer_work_over_tls(on_tls: TlsRedisProcess) -> None:
    audit_stream.record("login", target="alice")
    assert audit_consumer.drain("tls-test") == 1
    assert AuditEntry.objects.filter(action="login", target="alice").count() == 1


def test_the_monitoring_sampler_reads_the_server_over_tls(on_tls: TlsRedisProcess) -> None:
    samples = sampler.sample_all()
    assert samples and all(sample.reachable for sample in samples), samples
    assert samples[0].figures is not None


async def test_the_channel_layer_carries_messages_between_two_instances_over_tls(
    on_tls: TlsRedisProcess,
) -> None:
    config = django_settings.CHANNEL_LAYERS["default"]["CONFIG"]
    sender, receiver = TrackeepChannelLayer(**config), TrackeepChannelLayer(**config)
    try:
        channel = await receiver.new_channel()
        await receiver.group_add("tls-group", channel)
        await sender.send(channel, {"type": "direct", "n": 1})
        await sender.group_send("tls-group", {"type": "grouped", "n": 2})
        first = await asyncio.wait_for(receiver.receive(channel), 5)
        second = await asyncio.wait_for(receiver.receive(channel), 5)
        assert [first["type"], second["type"]] == ["direct", "grouped"]
    finally:
        await sender.close_pools()
        await receiver.close_pools()


@pytest.mark.django_db(transaction=True)
def test_a_job_is_enqueued_and_run_by_a_worker_over_tls(
    on_tls: TlsRedisProcess, pki: Pki, tmp_path: Path
) -> None:
    env = subprocess_env(on_tls.url, tmp_path, **client_files(pki))
    process = start("tls-worker", ["jobs_worker", "--name", "tls-worker"], env, tmp_path)
    try:
        job = jobs.enqueue(tick)
        wait_for(lambda: job.get_status(refresh=True) == JobStatus.FINISHED, "the job", [process], 30)
        assert isinstance(job.return_value(), float)
    finally:
        process.stop()
    assert_clean_logs({process.name: process.checked_log()})


def test_a_websocket_round_trip_through_two_daphne_instances_over_tls(
    migrated_database: Path,  # noqa: F811
    redis_key_prefix: str,
    tls_redis: TlsRedisProcess,
    pki: Pki,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in client_files(pki).items():
        monkeypatch.setenv(name, value)  # inherited by the instances and the seeding process
    cluster = AppCluster(redis_url=tls_redis.url, key_prefix=redis_key_prefix, template=migrated_database)
    with checked_cluster(cluster):
        seeded = cluster.seed({"usernames": ["alice", "bob"], "direct": ["alice", "bob"]})
        conversation = seeded["direct"]
        alice, bob = seeded["users"]["alice"], seeded["users"]["bob"]
        with connect(
            cluster.ws_url(0, f"/ws/messages/{conversation}/"),
            additional_headers=socket_headers(cluster, alice["session"]),
        ) as socket:
            sent = post_message(cluster, 1, conversation, bob["session"], "over TLS")
            created = next_created(socket, timeout=5.0)
        assert created["data"]["id"] == sent["id"]
    with tls_redis.client() as server:  # the instances' sessions and groups are on the TLS server
        assert server.keys(f"{redis_key_prefix}*")


def test_a_server_that_does_not_require_client_certificates_takes_the_ca_alone(
    use_redis: Callable[..., None], pki: Pki, tmp_path: Path
) -> None:
    with checked_redis(TlsRedisProcess(pki=pki, auth_clients="optional", data_dir=tmp_path / "r")) as server:
        use_redis(REDIS_URL=server.url, REDIS_TLS_CA_FILE=str(pki.ca))
        caches["state"].set("k", "v", 60)
        assert caches["state"].get("k") == "v"


# --- refused: the wrong CA, no client certificate --------------------------------------------


def assert_refused_and_degraded(settings: Any, server: TlsRedisProcess, reason: str) -> None:
    """The state role raises RedisUnavailable naming ``reason``, and the breaker opens; the cache
    misses; pages are served, sessions come from the database; readiness reports Redis down."""
    settings.REDIS_BREAKER_RESET_SECONDS = 3600  # stays open however slowly this test runs
    breaker.reset_all_breakers()
    with pytest.raises(RedisUnavailable, match=reason):
        caches["state"].get("k")
    assert caches["default"].get("k", "miss") == "miss"  # the cache role fails soft
    assert not ping("state")
    assert breaker.breaker_for(f"127.0.0.1:{server.port}").state == breaker.OPEN
    staff = signed_in(make_user(is_staff=True))  # the session is stored in the database only
    ready = staff.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["redis"] == {"cache": False, "state": False} and ready.json()["degraded"]
    settings.RATE_LIMIT_POLICIES = [
        {"name": "general", "limit": 100, "window": 60, "algorithm": "sliding_window", "fallback": True}
    ]
    settings.RATE_LIMIT_POLICY_OVERRIDES = {}
    before = metrics.count(metrics.FAIL_OPEN, "general")
    assert Client().get(MISSING_PAGE).status_code == 404  # served, not a 500
    assert metrics.count(metrics.FAIL_OPEN, "general") == before + 1
    layer = get_channel_layer()  # the configured layer (pub/sub by default)
    assert isinstance(layer, TrackeepChannelLayer | TrackeepPubSubChannelLayer)
    with pytest.raises(RedisUnavailable, match=reason):
        asyncio.run(layer.send("tls.nobody", {"type": "x"}))


@pytest.mark.django_db
def test_a_server_certificate_from_another_ca_is_refused(
    use_redis: Callable[..., None], tls_redis: TlsRedisProcess, pki: Pki, settings: Any
) -> None:
    use_redis(REDIS_URL=tls_redis.url, **{**client_files(pki), "REDIS_TLS_CA_FILE": str(pki.wrong_ca)})
    assert_refused_and_degraded(settings, tls_redis, "CERTIFICATE_VERIFY_FAILED")
    with pytest.raises(RedisUnavailable):
        jobs.enqueue(tick)


@pytest.mark.django_db
def test_no_client_certificate_is_refused_when_the_server_requires_one(
    use_redis: Callable[..., None], tls_redis: TlsRedisProcess, pki: Pki, settings: Any
) -> None:
    use_redis(REDIS_URL=tls_redis.url, REDIS_TLS_CA_FILE=str(pki.ca))
    # TLS 1.3: the handshake completes, the server then drops the connection (how it reads varies).
    assert_refused_and_degraded(settings, tls_redis, "EOF occurred|certificate required|Connection reset")


# --- Sentinel over TLS ------------------------------------------------------------------------


async def layer_round_trip(config: dict[str, Any]) -> dict[str, Any]:
    layer = TrackeepChannelLayer(**config)
    try:
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "through.sentinel"})
        return dict(await asyncio.wait_for(layer.receive(channel), 5))
    finally:
        await layer.close_pools()


def test_roles_behind_a_tls_sentinel_find_and_reach_the_primary_over_tls(
    use_redis: Callable[..., None], tls_redis: TlsRedisProcess, pki: Pki, tmp_path: Path
) -> None:
    with checked_redis(tls_sentinel(pki, tls_redis, tmp_path / "sentinel", "tls-primary")) as sentinel:
        use_redis(
            REDIS_URL="rediss://127.0.0.1:1/0",  # the address comes from the Sentinel
            REDIS_SENTINELS=f"127.0.0.1:{sentinel.port}",
            REDIS_SENTINEL_MASTER="tls-primary",
            REDIS_SENTINEL_TLS="true",
            **client_files(pki),
        )
        caches["state"].set("behind-sentinel", "yes", 60)
        assert caches["state"].get("behind-sentinel") == "yes"
        config = django_settings.CHANNEL_LAYERS["default"]["CONFIG"]
        assert asyncio.run(layer_round_trip(config))["type"] == "through.sentinel"
        queued = set(jobs.get_queue().job_ids)
        job = jobs.enqueue(tick)
        assert set(jobs.get_queue().job_ids) - queued == {job.id}
        with tls_redis.client() as primary:
            assert primary.keys("*behind-sentinel")


# --- the shipped compose override ---------------------------------------------------------------

TLS_COMPOSE_FILE = ROOT / "docker-compose.tls.yml"


def tls_override() -> dict[str, Any]:
    return dict(yaml.safe_load(TLS_COMPOSE_FILE.read_text()))["services"]


def test_the_override_switches_every_app_service_and_redis_url_to_tls() -> None:
    base, override = load_compose()["services"], tls_override()
    app_services = [
        name for name, service in base.items() if "TRACKEEP_MODE" in service.get("environment", {})
    ]
    assert sorted(app_services) == sorted(name for name in override if not name.startswith("redis-"))
    for name in app_services:
        environment = {**base[name]["environment"], **override[name]["environment"]}
        urls = {
            key: value
            for key, value in environment.items()
            if key.startswith("REDIS_") and key.endswith("_URL")
        }
        assert urls and all(url.startswith("rediss://") for url in urls.values()), (name, urls)
        assert {"REDIS_TLS_CA_FILE", "REDIS_TLS_CERT_FILE", "REDIS_TLS_KEY_FILE"} <= set(environment)
        assert "./deploy/redis/tls:/tls:ro" in override[name]["volumes"]
    for name in ("redis-state", "redis-cache"):
        assert "--tls" in " ".join(override[name]["healthcheck"]["test"])


def test_redis_started_with_the_overrides_files_serves_the_acl_users_over_tls_only(
    use_redis: Callable[..., None], pki: Pki, tmp_path: Path
) -> None:
    service = load_compose()["services"]["redis-state"]
    mounts = {**bind_mounts(service), **bind_mounts(tls_override()["redis-state"])}
    env = {"REDIS_PASSWORD": "app-secret", "REDIS_MONITOR_PASSWORD": "monitor-secret"}
    command = [interpolate(str(part), env) for part in service["command"]]
    (tmp_path / "conf").mkdir()
    config = localized_config(command[1], mounts, tmp_path / "conf")
    directives = redis_directives(config)
    assert directives["port"][-1] == "0" and directives["tls-port"] == ["6379"]
    assert directives["tls-auth-clients"] == ["yes"] and directives["maxmemory-policy"] == ["noeviction"]
    # The certificates of this test replace /tls/...; the port is a free one.
    server = TlsRedisProcess(
        pki=pki, config_file=config, extra_args=tuple(command[2:]), data_dir=tmp_path / "data",
        username="trackeep", password="app-secret",
    )  # fmt: skip
    with checked_redis(server):
        use_redis(
            key_prefix="tk",  # the compose ACL's key pattern
            REDIS_URL=f"rediss://trackeep:app-secret@127.0.0.1:{server.port}/0",
            **{  # one server for all roles: sampled once, as the read-only monitor user
                f"REDIS_{role.upper()}_MONITOR_URL": f"rediss://monitor:monitor-secret@127.0.0.1:{server.port}/0"
                for role in ROLES
            },
            **client_files(pki),
        )
        caches["state"].set("through-compose-tls", 1, 60)
        assert caches["state"].get("through-compose-tls") == 1
        samples = sampler.sample_all()
        assert [(s.role, s.reachable) for s in samples] == [("cache", True)], samples
        with pytest.raises(redis.ConnectionError):
            redis.Redis(port=server.port, socket_timeout=2).ping()  # no plain-text port
        assert run_healthcheck(tls_override()["redis-state"], pki, server.port, "app-secret") == "PONG"


def run_healthcheck(service: dict[str, Any], pki: Pki, port: int, password: str) -> str:
    """The service's healthcheck command, its /tls files replaced by this test's, on ``port``."""
    _, script = service["healthcheck"]["test"]
    files = {"/tls/ca.crt": pki.ca, "/tls/redis.crt": pki.server_cert, "/tls/redis.key": pki.server_key}
    for container_path, local in files.items():
        script = script.replace(container_path, str(local))
    cli = script.split("|")[0].replace("redis-cli", f"redis-cli -p {port}", 1)
    env = {**os.environ, "REDISCLI_AUTH": password}  # as compose's x-redis environment
    result = subprocess.run(cli, shell=True, env=env, capture_output=True, text=True, timeout=30, check=False)
    return result.stdout.strip() or result.stderr
