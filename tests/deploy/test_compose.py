"""docker-compose.yml and deploy/nginx.conf, read as configuration (no Docker engine needed)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bench.stack import shipped_gunicorn_flags
from tests.deploy.compose import (
    ROOT,
    MissingVariable,
    bind_mounts,
    interpolate,
    load_compose,
    localized_config,
    redis_directives,
)

APP_SERVICES = ("web", "daphne", "migrate")
LONG_RUNNING_APP_SERVICES = ("web", "daphne")
BACKING_SERVICES = ("postgres", "redis-state", "redis-cache")
# The variables trackeep/settings.py and trackeep/redis_config.py read for this deployment.
APP_ENVIRONMENT = (
    "TRACKEEP_MODE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_CACHE_URL",
    "REDIS_STATE_URL",
    "REDIS_CHANNELS_URL",
    "TRUSTED_PROXIES",
    "SECURE_SSL_REDIRECT",
)
FULL_ENV = {
    "SECRET_KEY": "s" * 50,
    "ALLOWED_HOSTS": "trackeep.example.com",
    "POSTGRES_PASSWORD": "pgpass",
    "REDIS_PASSWORD": "redispass",
    "REDIS_MONITOR_PASSWORD": "monitorpass",
}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_compose()


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(compose["services"])


def app_env(service: dict[str, Any], env: dict[str, str] = FULL_ENV) -> dict[str, str]:
    return {name: interpolate(str(value), env) for name, value in service["environment"].items()}


def test_only_nginx_publishes_a_port(services: dict[str, dict[str, Any]]) -> None:
    assert [name for name, s in services.items() if s.get("ports")] == ["nginx"]
    assert not any("network_mode" in s for s in services.values())
    (published,) = services["nginx"]["ports"]
    assert interpolate(published, {}) == "127.0.0.1:8000:8000"


def test_databases_sit_on_the_internal_network_only(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    assert compose["networks"]["backend"]["internal"] is True
    for name in BACKING_SERVICES:
        assert services[name]["networks"] == ["backend"], name
    assert "backend" not in services["nginx"]["networks"]


def test_every_long_running_service_has_a_healthcheck(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        healthcheck = service.get("healthcheck", {})
        if name == "migrate":
            assert healthcheck.get("disable") is True
        else:
            assert healthcheck.get("test") and not healthcheck.get("disable"), name


def test_dependencies_wait_for_health(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for target, dependency in service.get("depends_on", {}).items():
            if target == "migrate":
                assert dependency == {"condition": "service_completed_successfully"}, name
            else:
                assert dependency == {"condition": "service_healthy"}, (name, target)
                assert not services[target].get("healthcheck", {}).get("disable"), target
    for name in APP_SERVICES:
        assert set(BACKING_SERVICES) <= set(services[name]["depends_on"]), name
    for name in LONG_RUNNING_APP_SERVICES:
        assert "migrate" in services[name]["depends_on"], name
    assert set(services["nginx"]["depends_on"]) == {"web", "daphne"}


def test_healthchecks_probe_the_real_thing(services: dict[str, dict[str, Any]]) -> None:
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    for name in ("redis-state", "redis-cache"):
        probe = " ".join(services[name]["healthcheck"]["test"])
        # Authenticated: the default user is off, so an unauthenticated PING answers NOAUTH.
        assert "redis-cli --user trackeep" in probe and "ping" in probe and "PONG" in probe, probe
        assert services[name]["environment"]["REDISCLI_AUTH"] == "${REDIS_PASSWORD}"
    assert services["web"]["healthcheck"]["test"][-2:] == ["docker/healthcheck.py", "8000"]
    assert services["daphne"]["healthcheck"]["test"][-2:] == ["docker/healthcheck.py", "8001"]


def test_app_environment_is_what_the_settings_read(services: dict[str, dict[str, Any]]) -> None:
    for name in APP_SERVICES:
        env = app_env(services[name])
        assert set(APP_ENVIRONMENT) <= set(env), name
        assert env["TRACKEEP_MODE"] == "production"
        assert env["DATABASE_URL"] == "postgres://trackeep:pgpass@postgres:5432/trackeep"
        assert env["REDIS_CACHE_URL"] == "redis://trackeep:redispass@redis-cache:6379/0"
        # The channel layer shares the state instance (noeviction).
        assert (
            env["REDIS_STATE_URL"]
            == env["REDIS_CHANNELS_URL"]
            == "redis://trackeep:redispass@redis-state:6379/0"
        )
        assert env["SECURE_SSL_REDIRECT"] == "true"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "POSTGRES_PASSWORD"])
def test_required_secrets_have_no_defaults(services: dict[str, dict[str, Any]], missing: str) -> None:
    incomplete = {k: v for k, v in FULL_ENV.items() if k != missing}
    with pytest.raises(MissingVariable, match=missing):
        app_env(services["web"], incomplete)


def test_redis_password_is_required(services: dict[str, dict[str, Any]]) -> None:
    with pytest.raises(MissingVariable, match="REDIS_PASSWORD"):
        [interpolate(str(part), {}) for part in services["redis-state"]["command"]]


def test_trusted_proxies_is_the_network_nginx_shares_with_the_app(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    (subnet,) = compose["networks"]["edge"]["ipam"]["config"]
    assert app_env(services["web"])["TRUSTED_PROXIES"] == interpolate(subnet["subnet"], {})
    assert services["nginx"]["networks"] == ["edge"]
    for name in LONG_RUNNING_APP_SERVICES:
        assert "edge" in services[name]["networks"]


def test_http_runs_on_gunicorn_and_websockets_on_daphne(services: dict[str, dict[str, Any]]) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11.14-slim" in dockerfile  # HTMLParser fixed (CVE-2025-6069)
    assert re.search(r'^CMD \["gunicorn", "trackeep\.wsgi:application"', dockerfile, re.M)
    assert re.search(r"^USER trackeep$", dockerfile, re.M)
    assert "command" not in services["web"]  # the image's gunicorn CMD
    daphne = services["daphne"]["command"]
    assert daphne[0] == "daphne" and daphne[-1] == "trackeep.asgi:application"
    assert daphne[daphne.index("--port") + 1] == "8001"


@pytest.mark.parametrize(("name", "command"), [("worker", "jobs_worker"), ("scheduler", "jobs_scheduler")])
def test_job_services_run_the_app_image_on_the_state_redis(
    services: dict[str, dict[str, Any]], name: str, command: str
) -> None:
    service = services[name]
    assert (service["build"], service["image"]) == (services["web"]["build"], services["web"]["image"])
    assert service["command"] == ["python", "manage.py", command]
    env = app_env(service)
    assert env["TRACKEEP_MODE"] == "production"
    assert env["REDIS_STATE_URL"] == "redis://trackeep:redispass@redis-state:6379/0"
    assert {"redis-state", "migrate"} <= set(service["depends_on"])
    # A recent heartbeat of this container's worker (or scheduler), not an HTTP port.
    assert service["healthcheck"]["test"][:5] == ["CMD", "python", "manage.py", "jobs_health", name]
    # One scheduler: RQ's cron loop has no leader election.
    assert "deploy" not in services["scheduler"]


def test_nginx_routes_websockets_to_daphne_and_the_rest_to_gunicorn() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    upstreams = dict(re.findall(r"upstream (\w+) \{[^}]*?server ([\w.-]+:\d+);", conf))
    locations = dict(re.findall(r"location ([^ ]+) \{[^}]*?proxy_pass http://(\w+);", conf))
    assert upstreams[locations["/ws/"]] == "daphne:8001"
    assert upstreams[locations["/"]] == "web:8000"
    assert "proxy_set_header Upgrade $http_upgrade;" in conf


def _role_directives(services: dict[str, dict[str, Any]], name: str, tmp_path: Path) -> dict[str, list[str]]:
    service = services[name]
    workdir = tmp_path / name
    workdir.mkdir()
    assert service["command"][1] == "/usr/local/etc/redis/role.conf"
    return redis_directives(localized_config(service["command"][1], bind_mounts(service), workdir))


def test_redis_roles_have_their_own_policies(services: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    cache = _role_directives(services, "redis-cache", tmp_path)
    assert cache["maxmemory-policy"][-1] == "allkeys-lfu"
    assert cache["maxmemory"][-1] == "256mb"
    assert cache["appendonly"][-1] == "no"
    assert cache["save"] == ['""']

    state = _role_directives(services, "redis-state", tmp_path)
    assert state["maxmemory-policy"][-1] == "noeviction"
    assert state["appendonly"][-1] == "yes"
    assert state["appendfsync"][-1] == "everysec"
    assert state["save"] == ["900 1", "300 10", "60 10000"]

    for directives in (cache, state):
        assert directives["user"] == ["default off"]
        assert "rename-command" not in directives
    assert "redis-state:/data" in services["redis-state"]["volumes"]


def test_gunicorn_preloads_and_its_workers_never_recycle_together() -> None:
    """Workers fork from a master that imported Django once; recycling (a leak guard) is jittered
    by at least half its period, so the workers' restarts spread out instead of coinciding."""
    flags = shipped_gunicorn_flags()
    assert "--preload" in flags
    assert "--bind" not in flags and "--access-logfile" not in flags  # the bench sets its own
    if "--max-requests" in flags:
        period = int(flags[flags.index("--max-requests") + 1])
        jitter = int(flags[flags.index("--max-requests-jitter") + 1])
        assert jitter * 2 >= period > 0


def test_monitor_user_is_declared_and_used_by_the_app(services: dict[str, dict[str, Any]]) -> None:
    with pytest.raises(MissingVariable, match="REDIS_MONITOR_PASSWORD"):
        env = {k: v for k, v in FULL_ENV.items() if k != "REDIS_MONITOR_PASSWORD"}
        [interpolate(str(part), env) for part in services["redis-state"]["command"]]
    env = app_env(services["worker"])
    assert env["REDIS_STATE_MONITOR_URL"] == "redis://monitor:monitorpass@redis-state:6379/0"
    assert env["REDIS_CACHE_MONITOR_URL"] == "redis://monitor:monitorpass@redis-cache:6379/0"


def test_app_containers_count_metrics_of_every_process_in_a_fresh_directory(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in ("web", "daphne", "worker"):
        directory = services[name]["environment"]["PROMETHEUS_MULTIPROC_DIR"]
        assert directory in services[name]["tmpfs"]  # empty at every container start
    assert (Path(__file__).resolve().parents[2] / "gunicorn.conf.py").exists()  # child_exit hook
