"""Ranking reads: p50/p95 of trending and leaderboard reads, Redis sorted sets vs database ORDER BY.

Run ``python -m bench.marketplace`` (a temporary SQLite file) or ``python -m bench.marketplace
--postgres postgres://postgres@127.0.0.1:5432/test`` (a database created next to the one named,
dropped at the end). The dataset is ``--items`` published marketplace items (default 10,000) with
counted views spread over the last 24 hours (``ViewHour`` rows, a few hours per item, Zipf-like
popularity), and one challenge with ``--participants`` participants (default 10,000) at random
progress. Redis is filled the way ``manage.py rebuild_rankings`` fills it.

Measured, each ``--reads`` times (default 300), in milliseconds:

- trending, Redis: one page of 20 (``marketplace.rankings.trending``: one EVALSHA, the union already
  built this minute, as for every read but the first of a minute);
- trending, Redis, union rebuilt: the same with the minute's ZUNIONSTORE of 24 buckets included;
- trending, database: the same page from ``ViewHour`` (SUM over the last 24 hours, GROUP BY item,
  ORDER BY, LIMIT 20: ``marketplace.selectors.ordered``);
- leaderboard, Redis: the top 20 and a random participant's own rank (``community.leaderboard.read``:
  one round trip);
- leaderboard, database: the same from ``Participant`` (ORDER BY score DESC LIMIT 20, and a COUNT of
  higher scores for the rank: ``community.leaderboard.read_from_database``).

Only the ranking reads are timed (ids and scores, or user ids and ranks); turning ids into rows is
the same query either way. Redis keys live under a private prefix and are deleted at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

from bench.inprocess import cleanup_redis, counting, p, setup_database

SEED = 20301705
PAGE = 20


def _load(items: int, participants: int, rng: random.Random) -> Any:
    """Bulk-create the items, their view hours, one challenge and its participants."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from community import scoring
    from community.models import Challenge, Participant
    from marketplace import rankings
    from marketplace.models import Item, ViewHour
    from marketplace.rating import bayesian_score

    user_model = get_user_model()
    tag = uuid.uuid4().hex[:6]
    now = timezone.now()
    with transaction.atomic():
        authors = user_model.objects.bulk_create(
            [user_model(username=f"author{tag}{n}", email=f"author{tag}{n}@example.org") for n in range(50)]
        )
        rows = []
        for n in range(items):
            count = rng.choice((0, 0, 1, 3, 10, 40, 150))
            total = sum(rng.randint(3, 5) for _ in range(count))
            rows.append(
                Item(
                    author=rng.choice(authors),
                    kind="note_template",
                    title=f"Item {n}",
                    status=Item.Status.PUBLISHED,
                    published_at=now - dt.timedelta(minutes=rng.randrange(90 * 24 * 60)),
                    download_count=int(rng.paretovariate(1.2)) - 1,
                    rating_count=count,
                    rating_sum=total,
                    rating_score=bayesian_score(total, count),
                )
            )
        created = Item.objects.bulk_create(rows, batch_size=2000)
        hours = list(rankings.trending_hours(now))
        views = []
        for item in created:
            popularity = rng.paretovariate(1.1)
            for hour in rng.sample(hours, rng.randint(0, 4)):
                views.append(
                    ViewHour(item=item, hour=hour, count=max(1, int(popularity * rng.randint(1, 5))))
                )
        ViewHour.objects.bulk_create(views, batch_size=5000)
        players = user_model.objects.bulk_create(
            [
                user_model(username=f"player{tag}{n}", email=f"player{tag}{n}@example.org")
                for n in range(participants)
            ],
            batch_size=2000,
        )
        start = now - dt.timedelta(days=3)
        challenge = Challenge.objects.create(
            creator=authors[0], title="Bench", target="tasks_completed", goal=50,
            starts_at=start, ends_at=now + dt.timedelta(days=4),
        )  # fmt: skip
        entries = []
        for player in players:
            progress = rng.randint(0, 50)
            reached = start + dt.timedelta(seconds=rng.randrange(3 * 24 * 3600))
            entries.append(
                Participant(
                    challenge=challenge,
                    user=player,
                    progress=progress,
                    reached_at=reached,
                    score=scoring.score(progress, reached, start),
                )
            )
        Participant.objects.bulk_create(entries, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return challenge, [player.pk for player in players], len(views)


def _time(reads: int, read: Callable[[], Any]) -> list[float]:
    read()  # first call: script load, connection, query plan
    samples = []
    for _ in range(reads):
        started = time.perf_counter()
        read()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000, help="published items (default 10,000)")
    parser.add_argument(
        "--participants", type=int, default=10_000, help="challenge participants (default 10,000)"
    )
    parser.add_argument("--reads", type=int, default=300, help="timed reads per case (default 300)")
    parser.add_argument(
        "--postgres", metavar="URL", help="PostgreSQL server URL (an existing database on it)"
    )
    args = parser.parse_args()
    rng = random.Random(SEED)
    where, drop = setup_database(args.postgres, label="market")
    prefix = f"tkbench{uuid.uuid4().hex[:8]}"
    os.environ["REDIS_KEY_PREFIX"] = prefix
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trackeep.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from community import leaderboard
    from core.redis import keys
    from core.redis.client import get_client
    from marketplace import rankings, selectors

    try:
        print(f"Database: {where}")
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        challenge, players, view_rows = _load(args.items, args.participants, rng)
        print(
            f"Loaded {args.items} items ({view_rows} view-hour rows) and {args.participants} participants"
            f" in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        rankings.rebuild()
        leaderboard.rebuild(challenge)
        print(f"Rebuilt the sorted sets from the database in {time.perf_counter() - started:.2f} s")
        state = get_client("state")

        def trending_rebuilt() -> Any:
            state.delete(keys.marketplace_trending_built())
            return rankings.trending(0, PAGE - 1)

        def trending_database() -> Any:
            ordered = selectors.ordered(selectors.published(), "trending")
            return list(ordered.values_list("pk", "recent_views")[:PAGE])

        cases: dict[str, Callable[[], Any]] = {
            "trending, Redis": lambda: rankings.trending(0, PAGE - 1),
            "trending, Redis, union rebuilt": trending_rebuilt,
            "trending, database": trending_database,
            "leaderboard, Redis": lambda: leaderboard.read(challenge.pk, rng.choice(players), PAGE),
            "leaderboard, database": lambda: leaderboard.read_from_database(
                challenge, rng.choice(players), PAGE
            ),
        }
        results = {name: _time(args.reads, read) for name, read in cases.items()}
        counts = {}
        for name, read in cases.items():
            with counting() as count:
                read()
            counts[name] = count
        print(f"\n{args.reads} reads per case, milliseconds per read (page of {PAGE})")
        print(f"{'case':<32} {'p50':>8} {'p95':>8} {'queries':>8} {'Redis RT':>9}")
        for name, samples in results.items():
            print(
                f"{name:<32} {p(samples, 50):>8.2f} {p(samples, 95):>8.2f}"
                f" {counts[name]['queries']:>8} {counts[name]['redis']:>9}"
            )
        for kind in ("trending", "leaderboard"):
            redis_p50, db_p50 = p(results[f"{kind}, Redis"], 50), p(results[f"{kind}, database"], 50)
            print(f"{kind}: Redis p50 is {db_p50 / redis_p50:.1f}x faster than the database's")
    finally:
        try:
            cleanup_redis(prefix)
        finally:
            drop()


if __name__ == "__main__":
    main()
