"""Challenge leaderboards: one sorted set per open challenge on the state role (user id -> score).

Reading a board is one round trip: the top N with their scores, the board's size, and the reader's
own position (``lua/leaderboard_rank.lua``: ZREVRANK, ZSCORE and the count of strictly higher
scores, so a reader outside the top N still sees their rank). Scores encode progress and the time
it was reached (``community.scoring``), so the board needs no database read for its order; the
participants' names are one query. Writes are absolute scores taken from the database
(``Participant.score``), so a rebuild reproduces the set exactly.

When Redis cannot answer, the same board comes from the database (``ORDER BY score DESC`` and a
COUNT for the reader's rank). A finished challenge's board is read from ``final_rank``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from redis import Redis

from community.models import Challenge, Participant
from community.scoring import progress_of
from core.redis import keys
from core.redis.client import get_client
from core.redis.scripts import LuaScript, run_batch
from core.redis.sorted_sets import replace_sorted_set

RANK = LuaScript("leaderboard_rank")


@dataclass(frozen=True)
class Entry:
    user_id: int
    progress: int
    rank: int


@dataclass(frozen=True)
class Board:
    """The top of a board, its size, and the reader's own entry (None if they have not joined)."""

    top: list[Entry]
    total: int
    own: Entry | None
    from_redis: bool
    usernames: dict[int, str] = field(default_factory=dict)

    @property
    def own_outside_top(self) -> bool:
        return self.own is not None and all(entry.user_id != self.own.user_id for entry in self.top)


def _state() -> Redis:
    return get_client("state")


def write(challenge_id: int, user_id: int, score: int) -> None:
    _state().zadd(keys.challenge_leaderboard(challenge_id), {str(user_id): score})


def remove(pairs: Iterable[tuple[int, int]]) -> None:
    """Take (challenge id, user id) participants off their boards: one round trip."""
    pipe = _state().pipeline(transaction=False)
    for challenge_id, user_id in pairs:
        pipe.zrem(keys.challenge_leaderboard(challenge_id), str(user_id))
    pipe.execute()


def drop(challenge_ids: Iterable[int]) -> None:
    """Forget the sets of finished challenges (their boards are frozen in the database)."""
    names = [keys.challenge_leaderboard(pk) for pk in challenge_ids]
    if names:
        _state().delete(*names)


def _ranked(pairs: list[tuple[int, float]]) -> list[Entry]:
    """Entries from (user id, score) best first, equal scores sharing a rank."""
    entries: list[Entry] = []
    previous: float | None = None
    for position, (user_id, score) in enumerate(pairs):
        rank = entries[-1].rank if previous is not None and score == previous else position + 1
        entries.append(Entry(user_id, progress_of(score), rank))
        previous = score
    return entries


def read(challenge_id: int, user_id: int, size: int) -> Board:
    """The top ``size`` of an open challenge's board and ``user_id``'s place: one round trip."""
    key = keys.challenge_leaderboard(challenge_id)
    own, flat, total = run_batch(
        _state(),
        [(RANK, [key], [user_id])],
        reads=[("ZREVRANGE", key, 0, size - 1, "WITHSCORES"), ("ZCARD", key)],
    )
    if isinstance(own, Exception):
        raise own
    # redis-py pairs up WITHSCORES replies itself (its ZREVRANGE response callback).
    pairs = [(int(member), float(score)) for member, score in flat]
    mine = None
    if own:
        _position, score, above = own
        mine = Entry(user_id, progress_of(float(score)), int(above) + 1)
    return Board(top=_ranked(pairs), total=int(total), own=mine, from_redis=True)


def read_from_database(challenge: Challenge, user_id: int, size: int) -> Board:
    """The same board from the database (Redis down), or the frozen one of a finished challenge."""
    participants = Participant.objects.filter(challenge=challenge)
    if challenge.finished_at is not None:
        rows = list(
            participants.order_by("final_rank", "user_id").values_list("user_id", "progress", "final_rank")[
                :size
            ]
        )
        top = [Entry(uid, progress, rank or 0) for uid, progress, rank in rows]
        mine_row = participants.filter(user_id=user_id).values_list("progress", "final_rank").first()
        mine = Entry(user_id, mine_row[0], mine_row[1] or 0) if mine_row else None
        return Board(top=top, total=participants.count(), own=mine, from_redis=False)
    pairs = list(participants.order_by("-score", "-user_id").values_list("user_id", "score")[:size])
    top = _ranked([(uid, float(score)) for uid, score in pairs])
    mine = None
    score = participants.filter(user_id=user_id).values_list("score", flat=True).first()
    if score is not None:
        mine = Entry(user_id, progress_of(score), participants.filter(score__gt=score).count() + 1)
    return Board(top=top, total=participants.count(), own=mine, from_redis=False)


# --- rebuild --------------------------------------------------------------------------------------


def rebuild(challenge: Challenge, started: dt.datetime | None = None) -> int:
    """Recreate one open challenge's set from the database, safe while serving: built under a
    private key and RENAMEd over the live one, then the participants whose score changed since
    ``started`` are written again. Returns the number of participants."""
    started = started or timezone.now()
    client = _state()
    key = keys.challenge_leaderboard(challenge.pk)
    rows = Participant.objects.filter(challenge=challenge).values_list("user_id", "score")
    members = {str(uid): float(score) for uid, score in rows}
    replace_sorted_set(client, key, members)
    late = Participant.objects.filter(challenge=challenge, updated_at__gte=started).values_list(
        "user_id", "score"
    )
    still_in = set(Participant.objects.filter(challenge=challenge).values_list("user_id", flat=True))
    pipe = client.pipeline(transaction=False)
    for uid, score in late:
        pipe.zadd(key, {str(uid): score})
    gone = [member for member in members if int(member) not in still_in]  # left while it ran
    if gone:
        pipe.zrem(key, *gone)
    pipe.execute()
    return len(members)
