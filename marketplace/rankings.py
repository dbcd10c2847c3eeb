"""The marketplace's sorted sets on the state role: trending, top rated, most downloaded.

- **Views** are counted per clock hour in a bucket (``keys.marketplace_views_bucket``, expiring
  ``ttl.MARKETPLACE_VIEWS_BUCKET`` = 25 h after its last view), at most once per viewer, item and
  hour (``keys.marketplace_views_seen``), in one script (``lua/marketplace_view.lua``).
- **Trending** is the ZUNIONSTORE of the last 24 buckets (the current hour and the 23 before it),
  rebuilt at most once per clock minute by the script that reads it
  (``lua/marketplace_trending.lua``): a page of trending items is one round trip.
- **Top rated** and **most downloaded** are written with absolute scores taken from the database
  (``Item.rating_score``, ``Item.download_count``), so writing one twice is harmless and a rebuild
  reproduces them exactly. Only published items are in them.

Every function takes the time from a ``clock`` (``django.utils.timezone.now`` unless a test moves
it), and raises ``RedisUnavailable`` when Redis cannot answer; callers apply the outage policy.
``rebuild`` recreates every set from the database while the site keeps serving (see its docstring).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone
from redis import Redis

from core.redis import keys, ttl
from core.redis.client import get_client
from core.redis.scripts import LuaScript
from core.redis.sorted_sets import replace_sorted_set
from marketplace.models import Item, ViewHour

Clock = Callable[[], dt.datetime]

VIEW = LuaScript("marketplace_view")
TRENDING = LuaScript("marketplace_trending")
TRENDING_HOURS = 24  # the union covers the current hour and the 23 before it
BUCKET_HOURS_KEPT = 25  # buckets a rebuild recreates (a bucket lives 25 h after its last view)
VIEW_HOURS_KEPT_IN_DATABASE = 7 * 24  # older hour rows can reach no ranking; a rebuild deletes them


def hour_of(moment: dt.datetime) -> int:
    """The clock hour of ``moment``: Unix time // 3600 (what bucket keys and ``ViewHour.hour`` hold)."""
    return int(moment.timestamp()) // 3600


def trending_hours(moment: dt.datetime) -> range:
    """The hours the trending union covers at ``moment``: the current one and the 23 before it."""
    now = hour_of(moment)
    return range(now - TRENDING_HOURS + 1, now + 1)


def _state() -> Redis:
    return get_client("state")


@dataclass(frozen=True)
class RankedSlice:
    """One page of a ranking: item ids best first, their scores, and how many items it holds."""

    ids: list[int]
    scores: list[float]
    total: int


def _slice(pairs: Iterable[tuple[bytes | str, float | bytes | str]], total: int) -> RankedSlice:
    ids, scores = [], []
    for member, score in pairs:
        ids.append(int(member))
        scores.append(float(score))
    return RankedSlice(ids, scores, int(total))


# --- writes ---------------------------------------------------------------------------------------


def count_view(item_id: int, viewer_id: int, moment: dt.datetime) -> bool:
    """Count a view of ``item_id`` by ``viewer_id`` in ``moment``'s hour; False if already counted."""
    hour = hour_of(moment)
    counted = VIEW(
        _state(),
        [keys.marketplace_views_seen(hour), keys.marketplace_views_bucket(hour)],
        [f"{item_id}:{viewer_id}", item_id, ttl.MARKETPLACE_VIEWS_SEEN, ttl.MARKETPLACE_VIEWS_BUCKET],
    )
    return bool(counted)


def set_top_rated(item_id: int, score: float) -> None:
    _state().zadd(keys.marketplace_top_rated(), {str(item_id): score})


def set_downloads(item_id: int, count: int) -> None:
    _state().zadd(keys.marketplace_downloads(), {str(item_id): count})


def add_item(item_id: int, score: float, downloads: int) -> None:
    """A newly published (or approved) item enters top rated and most downloaded: one round trip."""
    pipe = _state().pipeline(transaction=False)
    pipe.zadd(keys.marketplace_top_rated(), {str(item_id): score})
    pipe.zadd(keys.marketplace_downloads(), {str(item_id): downloads})
    pipe.execute()


def remove_items(item_ids: Iterable[int]) -> None:
    """Withdrawn, rejected or deleted items leave every ranking (their hour buckets simply expire)."""
    members = [str(pk) for pk in item_ids]
    if not members:
        return
    pipe = _state().pipeline(transaction=False)
    for key in (keys.marketplace_top_rated(), keys.marketplace_downloads(), keys.marketplace_trending()):
        pipe.zrem(key, *members)
    pipe.execute()


# --- reads ----------------------------------------------------------------------------------------


def trending(start: int, stop: int, clock: Clock = timezone.now) -> RankedSlice:
    """Ranks ``start``..``stop`` (inclusive, 0-based) of the last 24 hours' views: one EVALSHA."""
    moment = clock()
    buckets = [keys.marketplace_views_bucket(hour) for hour in reversed(trending_hours(moment))]
    flat, total, _rebuilt = TRENDING(
        _state(),
        [keys.marketplace_trending(), keys.marketplace_trending_built(), *buckets],
        [int(moment.timestamp()) // 60, ttl.MARKETPLACE_TRENDING, start, stop],
    )
    return _slice(zip(flat[0::2], flat[1::2], strict=True), total)


def ranked(key: str, start: int, stop: int) -> RankedSlice:
    """Ranks ``start``..``stop`` of top rated or most downloaded, and the set's size: one round trip."""
    pipe = _state().pipeline(transaction=False)
    pipe.zrevrange(key, start, stop, withscores=True)
    pipe.zcard(key)
    flat, total = pipe.execute()
    return _slice(flat, total)


def top_rated(start: int, stop: int) -> RankedSlice:
    return ranked(keys.marketplace_top_rated(), start, stop)


def most_downloaded(start: int, stop: int) -> RankedSlice:
    return ranked(keys.marketplace_downloads(), start, stop)


# --- rebuild --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RebuildReport:
    items: int
    buckets: int
    caught_up: int


def rebuild(clock: Clock = timezone.now) -> RebuildReport:
    """Recreate top rated, most downloaded and the recent hour buckets from the database.

    Safe while serving: each set is built under a private key and RENAMEd over the live one, so
    readers never see a partial set. A review, download or view that lands while the rebuild runs
    may have written to the old set after its rows were read; afterwards every item whose ranked
    values changed since the rebuild started (``Item.ranked_at``) and every hour count updated since
    (``ViewHour.updated_at``) is written again from the database. The trending union is rebuilt by
    the next read. Hour rows older than a week are deleted (they can no longer reach any ranking).
    Hour buckets keep the views of items withdrawn since; reads skip items that are not published.
    """
    client = _state()
    started = timezone.now()
    moment = clock()
    published = list(
        Item.objects.filter(status=Item.Status.PUBLISHED).values_list("pk", "rating_score", "download_count")
    )
    replace_sorted_set(client, keys.marketplace_top_rated(), {str(pk): score for pk, score, _ in published})
    replace_sorted_set(client, keys.marketplace_downloads(), {str(pk): n for pk, _, n in published})
    now_hour = hour_of(moment)
    first_hour = now_hour - BUCKET_HOURS_KEPT + 1
    by_hour: dict[int, dict[str, float]] = {hour: {} for hour in range(first_hour, now_hour + 1)}
    rows = ViewHour.objects.filter(hour__gte=first_hour, hour__lte=now_hour)
    for item_id, hour, count in rows.values_list("item_id", "hour", "count"):
        by_hour[hour][str(item_id)] = count
    now_seconds = int(moment.timestamp())
    for hour, members in by_hour.items():
        # As if the last view came at the start of its hour: never shorter than the union needs.
        expire = hour * 3600 + ttl.MARKETPLACE_VIEWS_BUCKET - now_seconds
        replace_sorted_set(client, keys.marketplace_views_bucket(hour), members, expire)
    caught_up = _catch_up(client, started, first_hour, now_hour)
    client.delete(keys.marketplace_trending_built())
    ViewHour.objects.filter(hour__lt=now_hour - VIEW_HOURS_KEPT_IN_DATABASE).delete()
    return RebuildReport(
        items=len(published), buckets=sum(1 for m in by_hour.values() if m), caught_up=caught_up
    )


def _catch_up(client: Redis, since: dt.datetime, first_hour: int, last_hour: int) -> int:
    """Write again what changed in the database while the rebuild ran."""
    pipe = client.pipeline(transaction=False)
    changed = 0
    for pk, status, score, downloads in Item.objects.filter(ranked_at__gte=since).values_list(
        "pk", "status", "rating_score", "download_count"
    ):
        changed += 1
        if status == Item.Status.PUBLISHED:
            pipe.zadd(keys.marketplace_top_rated(), {str(pk): score})
            pipe.zadd(keys.marketplace_downloads(), {str(pk): downloads})
        else:
            pipe.zrem(keys.marketplace_top_rated(), str(pk))
            pipe.zrem(keys.marketplace_downloads(), str(pk))
    hours = ViewHour.objects.filter(updated_at__gte=since, hour__gte=first_hour, hour__lte=last_hour)
    for item_id, hour, count in hours.values_list("item_id", "hour", "count"):
        changed += 1
        pipe.zadd(keys.marketplace_views_bucket(hour), {str(item_id): count})
        pipe.expire(keys.marketplace_views_bucket(hour), ttl.MARKETPLACE_VIEWS_BUCKET)
    pipe.execute()
    return changed
