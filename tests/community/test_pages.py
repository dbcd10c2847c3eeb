"""Community pages: challenges (list, create with bad input, page, board, join, leave), profiles,
follows and the feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from community import services
from community.models import Challenge, Follow, Participant
from core.redis import keys
from core.redis.client import get_client
from marketplace.models import Item
from tests.factories import make_user, signed_in

pytestmark = pytest.mark.django_db


def test_create_a_challenge_from_the_form_and_refuse_bad_input() -> None:
    user = make_user()
    client = signed_in(user)
    assert "Complete tasks" in client.get("/community/challenges/new/").content.decode()
    today = timezone.localdate()
    bad = client.post(
        "/community/challenges/new/",
        {
            "title": "x",
            "target": "tasks_completed",
            "goal": "5",
            "start_date": today,
            "end_date": today - dt.timedelta(days=1),
        },
    )
    assert bad.status_code == 400 and "must not be before" in bad.content.decode()
    far = {"start_date": "9999-12-31", "end_date": "9999-12-31"}
    for fields in ({"target": "bogus"}, {"goal": "0"}, {"goal": "abc"}, {"start_date": "not a date"}, far):
        data = {
            "title": "x",
            "target": "tasks_completed",
            "goal": "5",
            "start_date": today,
            "end_date": today,
            **fields,
        }
        assert client.post("/community/challenges/new/", data).status_code == 400
    good = client.post(
        "/community/challenges/new/",
        {
            "title": "Spring",
            "target": "tasks_completed",
            "goal": "20",
            "start_date": today,
            "end_date": today + dt.timedelta(days=6),
        },
    )
    challenge = Challenge.objects.get()
    assert good.status_code == 302 and good["Location"] == f"/community/challenges/{challenge.pk}/"
    assert Participant.objects.filter(challenge=challenge, user=user).exists()
    page = client.get(good["Location"]).content.decode()
    assert "Complete tasks: 20 tasks" in page and 'data-tk-challenge="' in page
    assert "Spring" in client.get("/community/challenges/").content.decode()


def test_join_leave_and_the_board_partial(challenge_for: Callable[..., Challenge], committed: Any) -> None:
    creator, other = make_user(username="creator"), make_user(username="other")
    challenge = challenge_for(creator)
    client = signed_in(other)
    assert client.post(f"/community/challenges/{challenge.pk}/join/").status_code == 302
    board = client.get(f"/community/challenges/{challenge.pk}/board/").content.decode()
    assert 'data-user="creator"' in board and 'data-user="other"' in board and "You are ranked" in board
    with committed():
        assert client.post(f"/community/challenges/{challenge.pk}/leave/").status_code == 302
    assert not Participant.objects.filter(user=other).exists()
    assert get_client("state").zscore(keys.challenge_leaderboard(challenge.pk), other.pk) is None
    with committed():
        creator.delete()  # an account deleted: its entries leave the board too
    assert not get_client("state").exists(keys.challenge_leaderboard(challenge.pk))
    assert client.get("/community/challenges/999999/").status_code == 404
    assert client.get(f"/community/challenges/{challenge.pk}/join/").status_code == 405


def test_follow_from_a_profile_and_see_their_items_in_the_feed(publish_note: Callable[..., Item]) -> None:
    alice, bob = make_user(username="alice"), make_user(username="bob")
    item = publish_note(alice, title="Alice's template")
    client = signed_in(bob)
    profile = client.get("/community/u/alice/").content.decode()
    assert "Alice&#x27;s template" in profile and "data-follow" in profile
    assert "Nothing here yet" in client.get("/community/").content.decode()
    client.post("/community/u/alice/follow/")
    assert Follow.objects.filter(follower=bob, followee=alice).exists()
    assert "data-unfollow" in client.get("/community/u/alice/").content.decode()
    feed = client.get("/community/").content.decode()
    assert f"/marketplace/i/{item.pk}/" in feed
    assert "bob" in client.get("/community/u/alice/followers/").content.decode()
    assert "alice" in client.get("/community/u/bob/following/").content.decode()
    client.post("/community/u/alice/unfollow/")
    assert not Follow.objects.exists()
    own = client.post("/community/u/bob/follow/", follow=True).content.decode()
    assert "You cannot follow yourself." in own
    assert client.get("/community/u/nobody/").status_code == 404
    assert client.get("/community/u/a%00b/").status_code == 404


def test_the_feed_shows_completed_challenges(challenge_for: Callable[..., Challenge], committed: Any) -> None:
    from content import services as content_services

    runner, fan = make_user(username="runner"), make_user()
    services.follow(fan, runner)
    challenge = challenge_for(runner, goal=1, title="One task")
    with committed():
        content_services.create_task(runner, title="done", status="completed")
    assert Participant.objects.get(challenge=challenge).completed_at is not None
    feed = signed_in(fan).get("/community/").content.decode()
    assert "completed the challenge" in feed and "One task" in feed
    profile = signed_in(fan).get("/community/u/runner/").content.decode()
    assert "One task" in profile
