"""Challenge progress and leaderboards on a real Redis, with the clock moved by the test: ranks, ties
by earlier completion, the reader's own rank read from Redis, each task counted once, frozen boards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.dispatch import Signal

from community import leaderboard, scoring, selectors, services, targets
from community.models import Challenge, Participant
from content import services as content_services
from content.events import Change, content_changed
from core.redis import keys
from core.redis.client import get_client
from tests.community.conftest import Clock
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def complete(user: Any, count: int, clock: Clock) -> list[Any]:
    """``count`` tasks completed now, announced to the challenges at the clock's time (the event
    content sends after its commit, delivered here with the test's clock)."""
    tasks = [content_services.create_task(user, title=f"task {n}", status="completed") for n in range(count)]
    services.record_activity(
        user.pk,
        content_changed,
        {"changes": (Change("task", tuple(t.pk for t in tasks), "created"),)},
        clock=clock,
    )
    return tasks


def test_leaderboard_ranks_ties_and_a_users_rank_from_redis(
    clock: Clock,
    challenge_for: Callable[..., Challenge],
    round_trips: Callable[[], Any],
    django_assert_num_queries: Any,
) -> None:
    a, b, c, d, e = (make_user(username=name) for name in "abcde")
    challenge = challenge_for(a, goal=3)
    for user in (b, c, d, e):
        services.join(user, challenge, clock=clock)
    clock.advance(minutes=10)
    complete(b, 3, clock)  # first to finish
    clock.advance(minutes=10)
    complete(a, 4, clock)  # finishes too (capped at the goal), but later
    clock.advance(minutes=10)
    complete(c, 2, clock)
    # d and e joined at the same moment and did nothing: equal scores, one shared rank.

    board = leaderboard.read(challenge.pk, e.pk, size=10)
    assert [(x.user_id, x.progress, x.rank) for x in board.top] == [
        (b.pk, 3, 1), (a.pk, 3, 2), (c.pk, 2, 3), (e.pk, 0, 4), (d.pk, 0, 4)
    ]  # fmt: skip
    assert board.total == 5

    # The reader's own place outside the top N comes from Redis alone: one round trip, no query.
    with round_trips() as sent, django_assert_num_queries(0):
        small = leaderboard.read(challenge.pk, e.pk, size=2)
    assert len(sent) == 1
    assert [x.user_id for x in small.top] == [b.pk, a.pk]
    assert small.own == leaderboard.Entry(e.pk, 0, 4) and small.own_outside_top
    state = get_client("state")
    assert state.zrevrank(keys.challenge_leaderboard(challenge.pk), c.pk) == 2

    # The database holds the same scores: the board read without Redis agrees.
    fallback = leaderboard.read_from_database(challenge, e.pk, size=10)
    assert [(x.progress, x.rank) for x in fallback.top] == [(x.progress, x.rank) for x in board.top]
    assert fallback.own == small.own
    participant = Participant.objects.get(challenge=challenge, user=b)
    assert participant.completed_at == clock.now - dt.timedelta(minutes=20)
    assert state.zscore(keys.challenge_leaderboard(challenge.pk), b.pk) == participant.score


def test_each_task_counts_once_and_only_inside_the_window(
    clock: Clock, challenge_for: Callable[..., Challenge]
) -> None:
    user = make_user()
    challenge = challenge_for(user, goal=5)
    [task] = complete(user, 1, clock)
    content_services.set_task_status(task, "pending")
    content_services.set_task_status(task, "completed")
    services.record_activity(
        user.pk, content_changed, {"changes": (Change("task", (task.pk,), "updated"),)}, clock=clock
    )
    assert Participant.objects.get(user=user, challenge=challenge).progress == 1

    # Completed before a challenge starts: it does not count there.
    later = challenge_for(
        user,
        title="Next week",
        starts_at=clock.now + dt.timedelta(hours=1),
        ends_at=clock.now + dt.timedelta(days=8),
    )
    clock.advance(hours=2)
    services.record_activity(
        user.pk, content_changed, {"changes": (Change("task", (task.pk,), "updated"),)}, clock=clock
    )
    assert Participant.objects.get(user=user, challenge=later).progress == 0
    # Bookmarks feed nothing into a tasks challenge (one query to find that out).
    assert (
        services.record_activity(
            user.pk, content_changed, {"changes": (Change("bookmark", (1,), "created"),)}
        )
        == 0
    )


def test_joining_late_counts_what_was_done_in_the_window(
    clock: Clock, challenge_for: Callable[..., Challenge]
) -> None:
    creator, late = make_user(), make_user()
    challenge = challenge_for(creator, goal=3)
    for n in range(2):
        content_services.create_task(late, title=f"done {n}", status="completed")
    participant = services.join(late, challenge, clock=clock)
    assert participant.progress == 2
    assert get_client("state").zscore(keys.challenge_leaderboard(challenge.pk), late.pk) == participant.score


def test_a_target_fed_by_another_apps_signal_plugs_in(
    clock: Clock, challenge_for: Callable[..., Challenge]
) -> None:
    """The extension point the activity targets use: a target kind with its own signal, credits per
    event, and a scale (minutes per hour)."""
    time_tracked = Signal()
    hours = targets.TargetKind(
        key="hours_studied",
        label="Study hours",
        unit="hour",
        signal=time_tracked,
        credits=lambda user_id, window, event: {f"entry:{event['entry_id']}": event["minutes"]},
        scale=60,
        max_goal=1000,
    )
    targets.register(hours)
    try:
        user = make_user()
        challenge = challenge_for(user, target="hours_studied", goal=2)
        time_tracked.send(sender=None, user_id=user.pk, entry_id=1, minutes=50)
        time_tracked.send(sender=None, user_id=user.pk, entry_id=1, minutes=50)  # the same entry again
        time_tracked.send(sender=None, user_id=user.pk, entry_id=2, minutes=40)
        participant = Participant.objects.get(user=user, challenge=challenge)
        assert participant.progress == 90 and participant.completed_at is None
        assert hours.display(participant.progress) == "1.5"
        time_tracked.send(sender=None, user_id=user.pk, entry_id=3, minutes=120)
        participant.refresh_from_db()
        assert participant.progress == 120 and participant.completed_at is not None  # capped at 2 h
    finally:
        targets.unregister("hours_studied")
    assert not time_tracked.has_listeners()


def test_a_finished_challenge_is_frozen_in_the_database(
    clock: Clock, challenge_for: Callable[..., Challenge], committed: Callable[[], Any]
) -> None:
    a, b, c = make_user(), make_user(), make_user()
    challenge = challenge_for(a, goal=2)
    services.join(b, challenge, clock=clock)
    services.join(c, challenge, clock=clock)
    clock.advance(minutes=1)
    complete(b, 2, clock)
    clock.advance(days=8)
    with committed():
        assert services.finish_due(clock=clock) == 1
    assert services.finish_due(clock=clock) == 0
    challenge.refresh_from_db()
    assert challenge.finished_at == clock.now
    ranks = dict(Participant.objects.filter(challenge=challenge).values_list("user_id", "final_rank"))
    assert ranks == {b.pk: 1, a.pk: 2, c.pk: 2}  # a and c joined in the same instant: a tie
    assert not get_client("state").exists(keys.challenge_leaderboard(challenge.pk))
    board = selectors.board(challenge, c.pk)
    assert (board.top[0].user_id, board.top[0].rank) == (b.pk, 1) and board.own.rank == 2
    with pytest.raises(services.CommunityError):
        services.join(make_user(), challenge, clock=clock)


def test_scores_are_exact_integers_a_double_holds() -> None:
    start = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    end = start + dt.timedelta(days=scoring.MAX_DAYS)
    biggest = scoring.score(scoring.MAX_PROGRESS, start, start)
    assert biggest < 2**53 and float(biggest) == biggest
    assert scoring.score(1, start, start) > scoring.score(1, end, start) > scoring.score(0, start, start)
    assert scoring.progress_of(float(scoring.score(42, end, start))) == 42


def test_create_refuses_bad_windows_and_goals(clock: Clock) -> None:
    user = make_user()
    now = clock.now
    bad = [
        {"target": "nope", "goal": 1, "starts_at": now, "ends_at": now + dt.timedelta(days=1)},
        {"target": "tasks_completed", "goal": 0, "starts_at": now, "ends_at": now + dt.timedelta(days=1)},
        {"target": "tasks_completed", "goal": 1, "starts_at": now, "ends_at": now - dt.timedelta(days=1)},
        {
            "target": "tasks_completed",
            "goal": 1,
            "starts_at": now - dt.timedelta(days=3),
            "ends_at": now - dt.timedelta(days=1),
        },
        {"target": "tasks_completed", "goal": 1, "starts_at": now, "ends_at": now + dt.timedelta(days=400)},
    ]
    for fields in bad:
        with pytest.raises(services.CommunityError):
            services.create_challenge(user, title="x", clock=clock, **fields)
    assert not Challenge.objects.exists()
