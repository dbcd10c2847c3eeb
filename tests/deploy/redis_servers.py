"""Private redis-servers started exactly as docker-compose.yml starts redis-state and redis-cache."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from tests.deploy.compose import redis_invocation
from tools.redis_process import STARTUP_TIMEOUT_SECONDS, RedisProcess

APP_USER = "trackeep"
MONITOR_USER = "monitor"


@dataclass
class AclRedisProcess(RedisProcess):
    """A RedisProcess whose default user is off, so readiness is checked by PING as the app user."""

    username: str = APP_USER
    password: str = ""
    monitor_password: str = ""

    def client(self, **kwargs: object) -> redis.Redis:
        return redis.Redis(port=self.port, username=self.username, password=self.password, **kwargs)

    @property
    def app_url(self) -> str:
        return f"redis://{self.username}:{self.password}@127.0.0.1:{self.port}/0"

    @property
    def monitor_url(self) -> str:
        """The shipped read-only monitoring user (REDIS_<ROLE>_MONITOR_URL)."""
        return f"redis://{MONITOR_USER}:{self.monitor_password}@127.0.0.1:{self.port}/0"

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                log = Path(str(self.data_dir)) / "redis.log"
                # Config errors are printed before the log file is opened.
                detail = log.read_text()[-2000:] if log.exists() else "no log: check the config by hand"
                raise RuntimeError(f"redis-server exited early:\n{detail}")
            try:
                with self.client(socket_timeout=0.5) as client:
                    client.ping()
                return
            except redis.AuthenticationError as exc:
                raise RuntimeError(f"redis-server is up but refuses the app user: {exc}") from exc
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not answer PING in time")


def compose_redis(service: str, workdir: Path, *overrides: str) -> AclRedisProcess:
    """``service``'s redis-server from docker-compose.yml, with fresh passwords (not yet started).

    ``overrides`` are extra redis-server arguments after compose's own (``--maxclients 20``): the
    tests that make an alert fire shrink a limit instead of filling a production-sized one.
    """
    password, monitor_password = secrets.token_hex(16), secrets.token_hex(16)
    env = {"REDIS_PASSWORD": password, "REDIS_MONITOR_PASSWORD": monitor_password}
    config, args = redis_invocation(service, env, workdir)
    return AclRedisProcess(
        config_file=config,
        extra_args=(*args, *overrides),
        password=password,
        monitor_password=monitor_password,
    )
