"""The capped time series of monitoring samples, one sorted set per role on the state role.

A member is one sample as JSON (its time included, so two samples never collide), scored by its Unix
time. Every append trims what is older than ``RETENTION_SECONDS`` in the same MULTI, so the set never
holds more than a day (1 440 samples per role at one a minute).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from core.redis import keys
from core.redis.client import get_client

RETENTION_SECONDS = 24 * 3600  # the series keeps one day
KEY_TTL_SECONDS = RETENTION_SECONDS  # a role no longer sampled disappears a day after its last sample


@dataclass(frozen=True)
class Sample:
    """One role's reading at ``at`` (Unix seconds): its figures, its alerts, whether it answered."""

    role: str
    at: float
    reachable: bool
    figures: dict[str, Any] = field(default_factory=dict)
    alerts: tuple[str, ...] = ()
    error: str = ""
    pool: dict[str, int] | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, raw: bytes | str) -> Sample:
        data = json.loads(raw)
        data["alerts"] = tuple(data["alerts"])
        return cls(**data)


def append(sample: Sample) -> None:
    """Add ``sample`` to its role's series and drop samples older than a day (one round trip)."""
    key = keys.monitor_series(sample.role)
    pipe = get_client("state").pipeline(transaction=True)
    pipe.zadd(key, {sample.to_json(): sample.at})
    pipe.zremrangebyscore(key, "-inf", f"({sample.at - RETENTION_SECONDS}")
    pipe.expire(key, KEY_TTL_SECONDS)
    pipe.execute()


def since(role: str, start: float) -> list[Sample]:
    """The role's samples taken at or after ``start``, oldest first."""
    raw: list[Any] = get_client("state").zrangebyscore(keys.monitor_series(role), start, "+inf")
    return [Sample.from_json(item) for item in raw]


def latest(role: str) -> Sample | None:
    """The role's newest sample, if any."""
    raw: list[Any] = get_client("state").zrange(keys.monitor_series(role), -1, -1)
    return Sample.from_json(raw[0]) if raw else None
