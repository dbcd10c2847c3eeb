"""A private Redis Sentinel group on loopback: one primary, replicas and sentinels, for the failover tests.

Every server is a ``tools.redis_process.RedisProcess`` on a free port with its own data directory
under ``workdir``. A sentinel is ``redis-server <conf> --sentinel`` (Debian ships no
``redis-sentinel`` binary); it rewrites its configuration file as it learns the group, so each gets a
writable copy. Failure detection is fast on purpose (``down_after_ms``), so a test sees a failover in
a few seconds. ``kill_primary`` SIGKILLs the current primary, ``failover`` runs ``SENTINEL FAILOVER``;
``wait_for_new_master`` and ``wait_until_settled`` wait for the sentinels to agree on the outcome.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

from tools.redis_process import RedisProcess

FAILOVER_WAIT_SECONDS = 30.0


@dataclass
class SentinelGroup:
    """``replicas`` replicas of one primary, watched by ``sentinels`` sentinels under ``master_name``."""

    workdir: Path
    master_name: str = "trackeep"
    replicas: int = 2
    sentinels: int = 3
    quorum: int = 2
    down_after_ms: int = 1000
    failover_timeout_ms: int = 4000
    servers: list[RedisProcess] = field(default_factory=list)
    sentinel_servers: list[RedisProcess] = field(default_factory=list)
    # Server logs (name -> text) as they were when the group stopped.
    final_logs: dict[str, str] = field(default_factory=dict)

    @property
    def sentinel_addresses(self) -> list[tuple[str, int]]:
        return [("127.0.0.1", s.port) for s in self.sentinel_servers]

    @property
    def sentinels_env(self) -> str:
        """The value of ``REDIS_SENTINELS`` for this group."""
        return ",".join(f"{host}:{port}" for host, port in self.sentinel_addresses)

    def start(self) -> SentinelGroup:
        try:
            primary = RedisProcess(data_dir=self.workdir / "redis-0").start()
            self.servers.append(primary)
            for index in range(1, self.replicas + 1):
                replica = RedisProcess(
                    data_dir=self.workdir / f"redis-{index}",
                    extra_args=("--replicaof", "127.0.0.1", str(primary.port)),
                )
                self.servers.append(replica.start())
            self._wait_for_replicas(primary.port, self.replicas)
            for index in range(self.sentinels):
                data_dir = self.workdir / f"sentinel-{index}"
                data_dir.mkdir(parents=True)
                config = data_dir / "sentinel.conf"
                name = self.master_name
                config.write_text(
                    f"sentinel monitor {name} 127.0.0.1 {primary.port} {self.quorum}\n"
                    f"sentinel down-after-milliseconds {name} {self.down_after_ms}\n"
                    f"sentinel failover-timeout {name} {self.failover_timeout_ms}\n"
                    f"sentinel parallel-syncs {name} {self.replicas}\n"
                )
                sentinel = RedisProcess(data_dir=data_dir, config_file=config, extra_args=("--sentinel",))
                self.sentinel_servers.append(sentinel.start())
            self._wait_for_sentinels_to_know_everyone()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_for_replicas(self, port: int, count: int) -> None:
        deadline = time.monotonic() + FAILOVER_WAIT_SECONDS
        client = redis.Redis(port=port, socket_timeout=2)
        while time.monotonic() < deadline:
            info = client.info("replication")
            online = [v for k, v in info.items() if k.startswith("slave") and isinstance(v, dict)]
            if sum(1 for v in online if v.get("state") == "online") >= count:
                return
            time.sleep(0.05)
        raise RuntimeError(f"replicas of :{port} did not come online")

    def _wait_for_sentinels_to_know_everyone(self) -> None:
        deadline = time.monotonic() + FAILOVER_WAIT_SECONDS
        while time.monotonic() < deadline:
            views: list[Any] = [
                self._sentinel(s).sentinel_master(self.master_name) for s in self.sentinel_servers
            ]
            if all(
                int(v["num-slaves"]) >= self.replicas and int(v["num-other-sentinels"]) >= self.sentinels - 1
                for v in views
            ):
                return
            time.sleep(0.1)
        raise RuntimeError("the sentinels did not discover the replicas and each other in time")

    @staticmethod
    def _sentinel(server: RedisProcess) -> redis.Redis:
        return redis.Redis(port=server.port, socket_timeout=2, decode_responses=True)

    def _named_port(self, sentinel: redis.Redis) -> int:
        """The primary's port by ``SENTINEL GET-MASTER-ADDR-BY-NAME`` from ``sentinel``."""
        found: Any = sentinel.sentinel_get_master_addr_by_name(self.master_name)
        if not found:
            raise redis.ConnectionError(f"sentinel does not know {self.master_name!r}")
        return int(found[1])

    def master_port(self) -> int:
        """The port of the primary as the first answering sentinel sees it."""
        for server in self.sentinel_servers:
            try:
                return self._named_port(self._sentinel(server))
            except redis.RedisError:
                continue
        raise RuntimeError("no sentinel answered")

    def server_on(self, port: int) -> RedisProcess:
        return next(s for s in self.servers if s.port == port)

    def client(self, port: int) -> redis.Redis:
        return redis.Redis(port=port, socket_timeout=2)

    def kill_primary(self) -> RedisProcess:
        """SIGKILL the current primary (no shutdown, no save) and return its process object."""
        server = self.server_on(self.master_port())
        assert server.pid is not None
        os.kill(server.pid, signal.SIGKILL)
        return server

    def wait_for_new_master(self, old_port: int) -> int:
        """Wait until every sentinel names a primary other than ``old_port``; return its port."""
        deadline = time.monotonic() + FAILOVER_WAIT_SECONDS
        while time.monotonic() < deadline:
            ports = set()
            for server in self.sentinel_servers:
                try:
                    ports.add(self._named_port(self._sentinel(server)))
                except redis.RedisError:
                    ports.add(old_port)
            if len(ports) == 1 and old_port not in ports:
                port = ports.pop()
                if self.client(port).info("replication")["role"] == "master":
                    return port
            time.sleep(0.05)
        raise RuntimeError(f"no failover away from :{old_port} within {FAILOVER_WAIT_SECONDS}s")

    def wait_until_settled(self) -> int:
        """Wait until no failover is in progress and every sentinel's ``SENTINEL MASTERS`` names the
        same primary as ``GET-MASTER-ADDR-BY-NAME`` (during a failover the leader's list lags);
        return its port."""
        deadline = time.monotonic() + FAILOVER_WAIT_SECONDS
        while time.monotonic() < deadline:
            ports = set()
            for server in self.sentinel_servers:
                sentinel = self._sentinel(server)
                state: Any = sentinel.sentinel_master(self.master_name)
                port = self._named_port(sentinel)
                if "failover_in_progress" in state["flags"] or int(state["port"]) != port:
                    break
                ports.add(int(port))
            else:
                if len(ports) == 1:
                    return ports.pop()
            time.sleep(0.1)
        raise RuntimeError("the sentinels did not settle on one primary in time")

    def failover(self) -> None:
        """``SENTINEL FAILOVER``: demote the healthy primary and promote a replica. Waits for a
        failover still in progress, or for a replica still syncing, to let it start."""
        deadline = time.monotonic() + FAILOVER_WAIT_SECONDS
        while True:
            try:
                self._sentinel(self.sentinel_servers[0]).execute_command(
                    "SENTINEL FAILOVER", self.master_name
                )
                return
            except redis.ResponseError as error:
                if not str(error).startswith(("INPROG", "NOGOODSLAVE")) or time.monotonic() > deadline:
                    raise
            time.sleep(0.1)

    def stop(self) -> None:
        for server in [*self.sentinel_servers, *self.servers]:
            server.stop()
        self.final_logs = {
            f"{'sentinel' if s in self.sentinel_servers else 'redis-server'} :{s.port}": s.final_log
            for s in [*self.sentinel_servers, *self.servers]
        }
        self.sentinel_servers.clear()
        self.servers.clear()

    def __enter__(self) -> SentinelGroup:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
