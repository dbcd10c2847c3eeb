"""The monitoring sampler on redis-servers started as docker-compose.yml starts them.

Each server runs compose's command (its ACL included); the sampler connects as the shipped ``monitor``
user, so these tests prove that every figure can be read and every alert can fire under that ACL.
A few tests shrink one limit (``--maxmemory``, ``--maxclients``) after compose's arguments, so the
threshold is reached with a few megabytes or connections.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from core.monitoring import series
from core.monitoring.alerts import alerts_for
from core.monitoring.figures import read_figures
from core.monitoring.sampler import sample_all
from tests.deploy.redis_servers import AclRedisProcess, compose_redis
from tests.platform.conftest import wait_until
from tests.server_logs import checked_redis
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.slow

# Runs until the server's own clock says 15 ms have passed: a command the SLOWLOG must keep (> 10 ms).
BUSY_SCRIPT = """
local start = redis.call('TIME')
local function elapsed_us()
  local now = redis.call('TIME')
  return (now[1] - start[1]) * 1000000 + (now[2] - start[2])
end
while elapsed_us() < 15000 do end
return 1
"""


@pytest.fixture
def compose_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[AclRedisProcess]:
    """A compose Redis of this test's own: ``@pytest.mark.compose_redis(service, *overrides)``."""
    marker = request.node.get_closest_marker("compose_redis")
    service, *overrides = marker.args if marker else ("redis-state",)
    with checked_redis(compose_redis(service, tmp_path, *overrides)) as server:
        yield server


@pytest.fixture
def monitored(settings, compose_server: AclRedisProcess) -> AclRedisProcess:  # type: ignore[no-untyped-def]
    """The sampler reads ``compose_server`` as the ``monitor`` user (its series stay on the test Redis)."""
    settings.REDIS_MONITOR_URLS = {"state": compose_server.monitor_url}
    return compose_server


class RecordingRedis(redis.Redis):
    """A real client that keeps the last parsed reply of each command (to compare figures with)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.replies: dict[str, object] = {}

    def execute_command(self, *args: object, **options: object) -> object:
        reply = super().execute_command(*args, **options)
        self.replies[str(args[0]).upper()] = reply
        return reply


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def sample(clock: Clock, advance: float = 60.0) -> series.Sample:
    clock.now += advance
    (taken,) = sample_all(clock)
    return taken


def test_monitor_user_reads_figures_and_nothing_else(compose_server: AclRedisProcess) -> None:
    with redis.Redis.from_url(compose_server.monitor_url) as monitor:
        assert monitor.info()["maxclients"] == 10000  # INFO clients carries it: no CONFIG GET needed
        assert monitor.slowlog_get(1) == []
        assert monitor.execute_command("LATENCY", "LATEST") == []
        assert monitor.ping()
        for command in (
            ("GET", "tk:x"),
            ("SET", "tk:x", "1"),
            ("SCAN", "0"),
            ("CONFIG", "GET", "maxclients"),
            ("SLOWLOG", "RESET"),
            ("LATENCY", "RESET"),
            ("CLIENT", "LIST"),
            ("PUBLISH", "tk:events", "x"),
            ("EVAL", "return 1", "0"),
        ):
            with pytest.raises(redis.exceptions.NoPermissionError):
                monitor.execute_command(*command)


def test_sampler_figures_equal_info(compose_server: AclRedisProcess) -> None:
    with compose_server.client() as app:
        app.set("tk:m:a", "1")
        app.set("tk:m:gone", "1", px=1)
        app.get("tk:m:a")
        app.get("tk:m:missing")
        app.get("tk:m:missing")
        hits = 1
        while app.exists("tk:m:gone"):  # expired on access once its millisecond is over
            hits += 1
    with RecordingRedis.from_url(compose_server.monitor_url, single_connection_client=True) as monitor:
        figures = read_figures(monitor, None, 0.0)
        seen = monitor.replies["INFO"]  # the reply the sampler read
        info = monitor.info()  # and a second INFO on the same connection, right after
    for counter in ("keyspace_hits", "keyspace_misses", "expired_keys", "evicted_keys", "maxmemory"):
        assert figures[counter] == seen[counter] == info[counter], counter
    assert (figures["keyspace_hits"], figures["keyspace_misses"]) == (hits, 3)
    assert figures["hit_rate"] == hits / (hits + 3)
    assert figures["expired_keys"] == 1
    assert figures["maxmemory"] == 256 * 1024 * 1024
    assert figures["maxclients"] == info["maxclients"] == 10000
    assert figures["connected_clients"] == info["connected_clients"] == 1
    assert figures["clients_ratio"] == 1 / 10000
    # Memory moves with every reply buffer, so it is compared with the INFO the sampler read.
    assert figures["used_memory"] == seen["used_memory"]
    assert figures["memory_ratio"] == seen["used_memory"] / seen["maxmemory"]
    assert figures["mem_fragmentation_ratio"] == seen["mem_fragmentation_ratio"]
    assert figures["ops_per_sec"] == seen["instantaneous_ops_per_sec"]
    assert figures["replication_role"] == info["role"] == "master"
    assert figures["replication_lag"] is None  # no replicas
    assert (figures["aof_enabled"], figures["aof_last_write_status"]) == (1, "ok")
    assert figures["rdb_changes_since_last_save"] == info["rdb_changes_since_last_save"]
    assert figures["evictions_per_minute"] is None  # one reading has no rate


def test_samples_are_stored_for_a_day(monitored: AclRedisProcess) -> None:
    clock = Clock()
    first = sample(clock)
    assert first.reachable and first.pool is not None and "in_use" in first.pool
    assert series.latest("state") == first
    for _ in range(3):
        sample(clock, advance=12 * 3600.0)
    kept = series.since("state", 0)
    assert [s.at for s in kept] == [clock.now - 24 * 3600.0, clock.now - 12 * 3600.0, clock.now]
    assert kept[-1].figures["expired_per_minute"] == 0.0


@pytest.mark.compose_redis("redis-state", "--maxmemory", "3mb")
def test_memory_alert_fires_above_80_percent(monitored: AclRedisProcess) -> None:
    clock = Clock()
    assert "memory" not in sample(clock).alerts
    with monitored.client() as app:
        n = 0
        while app.info("memory")["used_memory"] <= 0.82 * 3 * 1024 * 1024:
            app.set(f"tk:m:fill:{n}", b"x" * 16_384)
            n += 1
    taken = sample(clock)
    assert taken.figures["memory_ratio"] > 0.8
    assert "memory" in taken.alerts


def test_hit_rate_alert_fires_below_80_percent(monitored: AclRedisProcess) -> None:
    clock = Clock()
    with monitored.client() as app:
        app.set("tk:m:k", "1")
        for _ in range(4):
            app.get("tk:m:k")
        app.get("tk:m:none")  # 4 of 5: exactly 80 %, not below
        assert "hit_rate" not in sample(clock).alerts
        app.get("tk:m:none")
    taken = sample(clock)
    assert taken.figures["hit_rate"] == 4 / 6
    assert "hit_rate" in taken.alerts


@pytest.mark.compose_redis("redis-state", "--maxclients", "20")
def test_clients_alert_fires_above_90_percent(monitored: AclRedisProcess) -> None:
    clock = Clock()
    apps = [monitored.client(single_connection_client=True) for _ in range(17)]
    try:
        for app in apps:
            app.ping()
        quiet = sample(clock)  # 17 + the sampler = 18 of 20: exactly 90 %, not above
        assert quiet.figures["connected_clients"] == 18 and "clients" not in quiet.alerts
        apps.append(monitored.client(single_connection_client=True))
        apps[-1].ping()
        taken = sample(clock)
        assert taken.figures["connected_clients"] == 19
        assert "clients" in taken.alerts
    finally:
        for app in apps:
            app.close()


def test_slow_command_alert_fires_once_per_slow_command(monitored: AclRedisProcess) -> None:
    clock = Clock()
    assert "slow_commands" not in sample(clock).alerts
    with monitored.client() as app:
        assert app.eval(BUSY_SCRIPT, 0) == 1
    taken = sample(clock)
    assert taken.figures["slow_commands"] == 1 and taken.figures["slowest_ms"] >= 15
    assert "slow_commands" in taken.alerts
    assert "slow_commands" not in sample(clock).alerts  # already reported


@pytest.mark.compose_redis("redis-cache", "--maxmemory", "2mb")
def test_evictions_alert_fires_above_100_per_minute(monitored: AclRedisProcess) -> None:
    clock = Clock()
    first = sample(clock)
    with monitored.client() as app:
        n = 0
        while app.info("stats")["evicted_keys"] < 101:
            app.set(f"tk:m:fill:{n}", b"x" * 8_192)
            n += 1
    taken = sample(clock, advance=60.0)
    evicted = taken.figures["evicted_keys"] - first.figures["evicted_keys"]
    assert taken.figures["evictions_per_minute"] == evicted > 100
    assert "evictions" in taken.alerts
    # The same evictions spread over two minutes: 50.5+ per minute at most, under the threshold.
    assert "evictions" not in sample(clock, advance=120.0).alerts


def test_unreachable_server_is_an_alert(settings, monitored: AclRedisProcess) -> None:  # type: ignore[no-untyped-def]
    monitored.stop()
    (taken,) = sample_all(Clock())
    assert not taken.reachable and taken.alerts == ("unreachable",)
    assert series.latest("state") == taken


@pytest.mark.parametrize(
    ("name", "quiet", "firing"),
    [
        ("memory_ratio", 0.80, 0.81),
        ("hit_rate", 0.80, 0.79),
        ("clients_ratio", 0.90, 0.91),
        ("slow_commands", 0, 1),
        ("replication_lag", 1.0, 2.0),
        ("evictions_per_minute", 100.0, 101.0),
    ],
)
def test_thresholds_are_the_seeds(name: str, quiet: float, firing: float) -> None:
    figures = {
        "memory_ratio": 0.1,
        "hit_rate": 1.0,
        "clients_ratio": 0.1,
        "slow_commands": 0,
        "replication_lag": None,
        "evictions_per_minute": None,
        "aof_last_write_status": "ok",
        "rdb_last_bgsave_status": "ok",
    }
    assert alerts_for({**figures, name: quiet}) == []
    assert len(alerts_for({**figures, name: firing})) == 1


def test_replication_lag_alert_fires_when_a_replica_stops_acknowledging(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Compose ships no replicas (the ACL's app user may not PSYNC), so this pair runs without ACL."""
    # No 5 s wait for more replicas before the first diskless sync.
    primary_args = ("--repl-diskless-sync-delay", "0")
    with checked_redis(RedisProcess(data_dir=tmp_path / "primary", extra_args=primary_args)) as primary:
        replica = RedisProcess(
            data_dir=tmp_path / "replica", extra_args=("--replicaof", "127.0.0.1", str(primary.port))
        )
        with checked_redis(replica), redis.Redis(port=primary.port) as client:
            wait_until(
                lambda: client.info("replication").get("slave0", {}).get("state") == "online", timeout=15
            )
            settings.REDIS_MONITOR_URLS = {"state": primary.url}
            clock = Clock()
            assert "replication_lag" not in sample(clock).alerts
            assert replica.pid is not None
            os.kill(replica.pid, signal.SIGSTOP)  # it stops acknowledging the stream
            try:
                wait_until(lambda: "replication_lag" in sample(clock).alerts, timeout=10)
            finally:
                os.kill(replica.pid, signal.SIGCONT)
            assert series.latest("state").figures["replication_lag"] > 1  # type: ignore[union-attr]
