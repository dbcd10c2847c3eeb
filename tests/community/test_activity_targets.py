"""The challenge targets fed by other apps' events: "finish a learning path" (learning's
``learning_changed``) and "track N hours" (time tracking's ``time_changed``). The real services
write and announce after commit; progress, completion and the Redis board follow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from community import leaderboard, services, targets
from community.models import Challenge, Participant
from core.redis import keys
from core.redis.client import get_client
from learning import services as learning
from tests.community.conftest import Clock
from tests.factories import make_user, signed_in
from timetracking import services as timetracking

pytestmark = pytest.mark.django_db


def two_module_path(creator: Any, committed: Callable[[], Any], title: str = "Rust") -> Any:
    with committed():
        path = learning.create_path(creator, title=title, is_published=True)
        learning.add_module(path, title="Ownership")
        learning.add_module(path, title="Traits")
    return path


def finish(user: Any, path: Any, committed: Callable[[], Any], done: bool = True) -> None:
    with committed():
        learning.enrol(user, path)
        for module in path.modules.all():
            learning.set_module_done(user, module, done)


def progress(user: Any, challenge: Challenge) -> Participant:
    return Participant.objects.get(user=user, challenge=challenge)


def test_finishing_a_learning_path_counts_once_and_moves_the_board(
    clock: Clock, challenge_for: Callable[..., Challenge], committed: Callable[[], Any]
) -> None:
    creator, learner, rival = make_user(), make_user(), make_user()
    challenge = challenge_for(learner, target="learning_paths_finished", goal=2)
    services.join(rival, challenge, clock=clock)
    rust, go = two_module_path(creator, committed), two_module_path(creator, committed, "Go")

    with committed():  # one module of two: the path is not finished yet
        learning.enrol(learner, rust)
        learning.set_module_done(learner, rust.modules.first(), True)
    assert progress(learner, challenge).progress == 0

    finish(learner, rust, committed)
    assert progress(learner, challenge).progress == 1
    with committed():  # reopened and finished again: still one path
        learning.set_module_done(learner, rust.modules.last(), False)
        learning.set_module_done(learner, rust.modules.last(), True)
    assert progress(learner, challenge).progress == 1

    board = leaderboard.read(challenge.pk, rival.pk, size=10)
    assert [(x.user_id, x.progress, x.rank) for x in board.top] == [(learner.pk, 1, 1), (rival.pk, 0, 2)]
    assert board.own is not None and board.own.rank == 2

    finish(learner, go, committed)
    done = progress(learner, challenge)
    assert done.progress == 2 and done.completed_at is not None
    assert get_client("state").zscore(keys.challenge_leaderboard(challenge.pk), learner.pk) == done.score
    assert targets.get("learning_paths_finished").describe(2) == "Finish learning paths: 2 learning paths"


def test_a_path_finished_before_joining_counts_only_inside_the_window(
    clock: Clock, challenge_for: Callable[..., Challenge], committed: Callable[[], Any]
) -> None:
    creator, learner = make_user(), make_user()
    path = two_module_path(creator, committed)
    finish(learner, path, committed)
    running = challenge_for(creator, target="learning_paths_finished", goal=3)
    assert services.join(learner, running, clock=clock).progress == 1  # backfilled
    later = challenge_for(
        creator,
        title="Next week",
        target="learning_paths_finished",
        starts_at=clock.now + dt.timedelta(hours=1),
        ends_at=clock.now + dt.timedelta(days=8),
    )
    services.join(learner, later, clock=clock)
    assert progress(learner, later).progress == 0


def test_tracked_time_counts_minutes_inside_the_window_toward_hours(
    clock: Clock, challenge_for: Callable[..., Challenge], committed: Callable[[], Any]
) -> None:
    user = make_user()
    challenge = challenge_for(user, target="hours_tracked", goal=2)  # started an hour ago
    start = challenge.starts_at
    hours = targets.get("hours_tracked")

    with committed():  # running: nothing counts yet
        timetracking.start(user, description="Reading", now=start + dt.timedelta(minutes=5))
    assert progress(user, challenge).progress == 0
    with committed():
        first = timetracking.stop(user, now=start + dt.timedelta(minutes=50))
    assert progress(user, challenge).progress == 45

    # An entry that began before the window counts only its part inside.
    with committed():
        timetracking.start(user, description="Early", now=start - dt.timedelta(minutes=30))
        timetracking.stop(user, now=start + dt.timedelta(minutes=15))
    assert progress(user, challenge).progress == 60
    assert hours.display(60) == "1"

    # Lengthened by an edit: the extra minutes count; shortened or deleted: nothing is taken away.
    assert first is not None
    with committed():
        timetracking.update_entry(
            first,
            started_at=first.started_at,
            ended_at=start + dt.timedelta(minutes=65),
            task=None,
            description="Reading",
        )
    assert progress(user, challenge).progress == 75
    with committed():
        timetracking.delete_entry(first)
    assert progress(user, challenge).progress == 75
    assert hours.display(75) == "1.2"

    with committed():  # well past the goal: capped at 2 hours and complete
        timetracking.start(user, description="Deep work", now=start + dt.timedelta(minutes=20))
        timetracking.stop(user, now=start + dt.timedelta(minutes=59))
        timetracking.start(user, description="More", now=clock.now - dt.timedelta(minutes=1))
        timetracking.stop(user, now=clock.now + dt.timedelta(hours=2))
    done = progress(user, challenge)
    assert done.progress == 120 and done.completed_at is not None
    assert leaderboard.read(challenge.pk, user.pk, size=5).own == leaderboard.Entry(user.pk, 120, 1)


def test_joining_late_counts_the_time_already_tracked(
    clock: Clock, challenge_for: Callable[..., Challenge], committed: Callable[[], Any]
) -> None:
    creator, late = make_user(), make_user()
    challenge = challenge_for(creator, target="hours_tracked", goal=10)
    with committed():
        timetracking.start(late, now=challenge.starts_at + dt.timedelta(minutes=1))
        timetracking.stop(late, now=challenge.starts_at + dt.timedelta(minutes=31, seconds=59))
        timetracking.start(late, now=challenge.starts_at - dt.timedelta(minutes=10))  # running: not yet
    participant = services.join(late, challenge, clock=clock)
    assert participant.progress == 30
    assert get_client("state").zscore(keys.challenge_leaderboard(challenge.pk), late.pk) == participant.score


def test_the_form_offers_both_targets_and_the_board_shows_hours(
    clock: Clock, committed: Callable[[], Any]
) -> None:
    user = make_user()
    client = signed_in(user)
    form = client.get("/community/challenges/new/").content.decode()
    assert "Finish learning paths (in learning paths)" in form and "Track hours (in hours)" in form
    today = timezone.localdate()
    data = {"title": "Deep work", "target": "hours_tracked", "start_date": today, "end_date": today}
    assert client.post("/community/challenges/new/", {**data, "goal": "1001"}).status_code == 400
    with committed():
        created = client.post("/community/challenges/new/", {**data, "goal": "10"})
    assert created.status_code == 302
    challenge = Challenge.objects.get()
    with committed():
        timetracking.start(user, now=challenge.starts_at + dt.timedelta(minutes=1))
        timetracking.stop(user, now=challenge.starts_at + dt.timedelta(minutes=91))
    assert "Track hours: 10 hours" in client.get(created["Location"]).content.decode()
    board = client.get(f"/community/challenges/{challenge.pk}/board/").content.decode()
    assert "1.5 / 10" in board
