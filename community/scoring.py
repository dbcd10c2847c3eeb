"""A leaderboard score: progress first, then who got there earlier, in one exact number.

    score = progress * SLOTS + (SLOTS - 1 - milliseconds from the challenge's start to reached_at)

``reached_at`` is when the participant's progress last grew (their completion time once they reach
the goal; their join time while they have none), clamped to the challenge's window. Higher is better:
more progress always wins, and of two participants with the same progress the one who reached it
earlier has the larger remainder. ``SLOTS`` (10^11 ms, about 3.2 years) is longer than any challenge
may last (``MAX_DAYS``), and ``progress`` stays at most ``MAX_PROGRESS``, so every score is an integer
below 2^53: a Redis sorted-set score (a double) holds it exactly, and so does a BIGINT column.
Participants with equal scores (same progress reached in the same millisecond, or nobody started
yet) share a rank.
"""

from __future__ import annotations

import datetime as dt

SLOTS = 10**11
MAX_DAYS = 366
MAX_PROGRESS = 90_000  # (MAX_PROGRESS + 1) * SLOTS < 2**53


def score(progress: int, reached_at: dt.datetime, starts_at: dt.datetime) -> int:
    elapsed = int((reached_at - starts_at).total_seconds() * 1000)
    elapsed = min(max(elapsed, 0), SLOTS - 1)
    return min(progress, MAX_PROGRESS) * SLOTS + (SLOTS - 1 - elapsed)


def progress_of(value: float | int) -> int:
    """The progress a score encodes."""
    return int(value) // SLOTS
