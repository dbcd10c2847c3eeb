"""The compose ``sentinel`` profile: its services, the app's wiring, and the group run for real.

The live test starts redis-state and its two replicas with compose's own commands and configuration
files, and three sentinels from deploy/redis/sentinel/sentinel.conf, on loopback (service names
become 127.0.0.1 and each server's port), then fails the primary over through Sentinel: replication
works as the ``replica`` ACL user and the failover as the ``sentinel`` user, with nothing else.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.deploy.compose import ROOT, interpolate, load_compose, redis_invocation
from tests.deploy.redis_servers import AclRedisProcess
from tests.deploy.test_compose import FULL_ENV, app_env
from tests.server_logs import REDIS_FAILURE_MARKERS, assert_clean_logs
from tools.redis_process import RedisProcess

PROFILE_SERVICES = {
    "redis-state-replica-1",
    "redis-state-replica-2",
    "sentinel-1",
    "sentinel-2",
    "sentinel-3",
}
SENTINEL_CONF = ROOT / "deploy" / "redis" / "sentinel" / "sentinel.conf"
SENTINELS = "sentinel-1:26379,sentinel-2:26379,sentinel-3:26379"
WAIT_SECONDS = 30.0


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    return dict(load_compose()["services"])


def test_the_profile_adds_two_replicas_and_three_sentinels_only(services: dict[str, dict[str, Any]]) -> None:
    in_profile = {name for name, s in services.items() if "sentinel" in s.get("profiles", [])}
    assert in_profile == PROFILE_SERVICES
    assert not any(s.get("profiles") for name, s in services.items() if name not in PROFILE_SERVICES)
    for name in PROFILE_SERVICES:
        service = services[name]
        assert service["networks"] == ["backend"] and not service.get("ports"), name
        assert service["healthcheck"]["test"], name
        assert service["depends_on"] == {"redis-state": {"condition": "service_healthy"}}, name
        volume = next(v for v in service["volumes"] if v.endswith(":/data"))
        assert volume == f"{name}:/data", name  # a volume of its own: data, or what a sentinel learnt


def test_replicas_run_the_state_role_and_follow_redis_state(services: dict[str, dict[str, Any]]) -> None:
    for number in (1, 2):
        name = f"redis-state-replica-{number}"
        service = services[name]
        assert service["command"] == services["redis-state"]["command"]  # the same users and ACL
        conf = (ROOT / f"deploy/redis/sentinel/replica-{number}.conf").read_text()
        assert "include /usr/local/etc/redis/state.conf" in conf
        assert re.search(r"^replicaof redis-state 6379$", conf, re.M)
        assert re.search(rf"^replica-announce-ip {name}$", conf, re.M)


def test_sentinels_watch_redis_state_with_a_majority_quorum(services: dict[str, dict[str, Any]]) -> None:
    conf = SENTINEL_CONF.read_text()
    assert re.search(r"^sentinel monitor trackeep redis-state 6379 2$", conf, re.M)
    assert conf.index("resolve-hostnames yes") < conf.index("sentinel monitor")
    assert "sentinel auth-user trackeep sentinel" in conf
    for number in (1, 2, 3):
        script = services[f"sentinel-{number}"]["command"][-1]
        assert "$$REDIS_SENTINEL_PASSWORD" in script and "--sentinel" in script


def test_sentinel_users_are_off_unless_switched_on(services: dict[str, dict[str, Any]]) -> None:
    command = [interpolate(str(part), FULL_ENV) for part in services["redis-state"]["command"]]
    for user in ("replica", "sentinel"):
        assert command[command.index(user) + 1] == "off", user
    on = {**FULL_ENV, "REDIS_SENTINEL_USERS": "on", "REDIS_SENTINEL_PASSWORD": "pw"}
    command = [interpolate(str(part), on) for part in services["redis-state"]["command"]]
    for user in ("replica", "sentinel"):
        assert command[command.index(user) + 1 : command.index(user) + 3] == ["on", ">pw"], user


@pytest.mark.parametrize("name", ["web", "daphne", "migrate", "worker", "scheduler"])
def test_the_app_finds_state_channels_and_jobs_through_sentinel_when_asked(
    services: dict[str, dict[str, Any]], name: str
) -> None:
    env = app_env(services[name])
    assert env["REDIS_SENTINELS"] == ""  # without the profile: the role URLs, as before
    env = app_env(services[name], {**FULL_ENV, "REDIS_SENTINELS": SENTINELS})
    assert env["REDIS_SENTINELS"] == SENTINELS
    assert env["REDIS_SENTINEL_MASTER"] == "trackeep"  # the name sentinel.conf monitors
    assert env["REDIS_SENTINEL_ROLES"] == "state,channels"  # the job queue is on the state role


# --- the group, run ---------------------------------------------------------------------------


def _on_loopback(config: Path, primary_port: int) -> None:
    text = config.read_text()
    text = text.replace("replicaof redis-state 6379", f"replicaof 127.0.0.1 {primary_port}")
    config.write_text(re.sub(r"^replica-announce-ip .*$", "replica-announce-ip 127.0.0.1", text, flags=re.M))


@pytest.fixture
def group(tmp_path: Path) -> Iterator[tuple[list[AclRedisProcess], list[RedisProcess], str]]:
    password, sentinel_password = secrets.token_hex(16), secrets.token_hex(16)
    env = {
        "REDIS_PASSWORD": password,
        "REDIS_MONITOR_PASSWORD": secrets.token_hex(16),
        "REDIS_SENTINEL_USERS": "on",
        "REDIS_SENTINEL_PASSWORD": sentinel_password,
    }
    servers: list[AclRedisProcess] = []
    sentinels: list[RedisProcess] = []
    try:
        for name in ("redis-state", "redis-state-replica-1", "redis-state-replica-2"):
            workdir = tmp_path / name
            workdir.mkdir()
            config, args = redis_invocation(name, env, workdir)
            _on_loopback(config, servers[0].port if servers else 0)
            server = AclRedisProcess(config_file=config, extra_args=tuple(args), password=password)
            servers.append(server.start())
        for number in (1, 2, 3):
            workdir = tmp_path / f"sentinel-{number}"
            workdir.mkdir()
            text = SENTINEL_CONF.read_text().replace("redis-state 6379", f"127.0.0.1 {servers[0].port}")
            text = re.sub(r"^port .*$", "", text, flags=re.M)  # RedisProcess gives it a free port
            config = workdir / "sentinel.conf"
            config.write_text(text + f"sentinel auth-pass trackeep {sentinel_password}\n")
            sentinels.append(
                RedisProcess(data_dir=workdir, config_file=config, extra_args=("--sentinel",)).start()
            )
        yield servers, sentinels, password
    finally:
        for process in [*sentinels, *servers]:
            process.stop()
    assert_clean_logs({f":{p.port}": p.final_log for p in [*sentinels, *servers]}, REDIS_FAILURE_MARKERS)


def _wait(condition: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_the_group_replicates_and_fails_over_under_the_shipped_acl(
    group: tuple[list[AclRedisProcess], list[RedisProcess], str],
) -> None:
    servers, sentinels, password = group
    clients = [redis.Redis(port=s.port, decode_responses=True, socket_timeout=2) for s in sentinels]

    def master() -> dict[str, Any]:
        state: Any = clients[0].sentinel_master("trackeep")
        return dict(state)

    # Both replicas in sync as the `replica` user; every sentinel sees them and the others.
    _wait(
        lambda: all(
            int(c.sentinel_master("trackeep")["num-slaves"]) == 2  # type: ignore[index]
            and int(c.sentinel_master("trackeep")["num-other-sentinels"]) == 2  # type: ignore[index]
            for c in clients
        ),
        "the sentinels to discover the replicas and each other",
    )
    primary = servers[0].client()
    primary.set("tk:probe", "written on the first primary")
    _wait(lambda: servers[1].client().get("tk:probe") is not None, "replication")

    # A failover, run by the sentinels as the `sentinel` user.
    clients[0].execute_command("SENTINEL FAILOVER", "trackeep")
    _wait(lambda: int(master()["port"]) != servers[0].port, "a replica to be promoted")
    promoted = next(s for s in servers if s.port == int(master()["port"]))
    assert promoted.client().info("replication")["role"] == "master"
    promoted.client().set("tk:probe", "written on the new primary")  # the app user writes there
    other = next(s for s in servers[1:] if s is not promoted)
    _wait(
        lambda: other.client().info("replication").get("master_port") == promoted.port,
        "the other replica to follow the new primary",
    )
    _wait(lambda: other.client().get("tk:probe") == b"written on the new primary", "replication from it")
    assert "-failover-abort" not in (Path(str(sentinels[0].data_dir)) / "redis.log").read_text()
    assert password  # the app's own password was never needed by the sentinels or the replicas
