"""Recommendations: paths scored from the user's tags, categories and similar learners; forgotten
bookmarks; cached an hour and invalidated by the user's interactions; "not interested" respected;
the manual refresh is limited by the ``expensive`` policy."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics import recommendations
from analytics.caches import RECOMMENDATIONS
from content import services as content
from content.models import Bookmark
from learning import services as learning
from tests.factories import make_user, signed_in
from tests.ratelimit.conftest import default_rows

pytestmark = pytest.mark.django_db(transaction=True)


def path(creator: Any, title: str, tags: str = "", category: str = "other") -> Any:
    made = learning.create_path(creator, title=title, tags=tags, category=category, is_published=True)
    learning.add_module(made, title="Only module")
    return made


def test_paths_follow_the_users_tags_and_what_similar_learners_completed() -> None:
    user, creator = make_user(), make_user()
    content.create_note(user, title="Notes", tags=["python"])
    content.create_task(user, title="Task", tags=["python", "testing"])
    shared = path(creator, "Shared start", category="programming")
    python = path(creator, "Python testing", tags="python, testing")
    cooking = path(creator, "Bread", tags="baking")
    followed = path(creator, "What others finish")
    learning.enrol(user, shared)
    for _ in range(2):  # two learners who share a path with the user completed "followed"
        peer = make_user()
        learning.enrol(peer, shared)
        learning.enrol(peer, followed)
        learning.set_module_done(peer, followed.modules.get(), True)
    mine = path(user, "My own path", tags="python")
    paths = recommendations.compute(user.pk)["paths"]
    titles = [p["title"] for p in paths]
    assert set(titles[:2]) == {"Python testing", "What others finish"}
    assert shared.title not in titles and mine.title not in titles  # enrolled / own
    by_id = {p["id"]: p for p in paths}
    assert "Matches your tags: python, testing" in by_id[python.pk]["reasons"]
    assert "Completed by 2 learners who share a path with you" in by_id[followed.pk]["reasons"]
    assert cooking.pk not in by_id  # nothing links the user to it, and nobody takes it


def test_forgotten_bookmarks_are_old_unread_or_favourites_matching_recent_work() -> None:
    user = make_user()
    long_ago = timezone.now() - dt.timedelta(days=90)
    content.create_task(user, title="Recent work", tags=["redis"])
    relevant = content.create_bookmark(user, url="https://redis.io/", title="Redis internals", tags=["redis"])
    other = content.create_bookmark(user, url="https://example.com/", title="Unrelated")
    read = content.create_bookmark(user, url="https://example.org/", title="Read already", is_read=True)
    fresh = content.create_bookmark(user, url="https://example.net/", title="Just saved", tags=["redis"])
    Bookmark.objects.filter(pk__in=[relevant.pk, other.pk, read.pk]).update(updated_at=long_ago)
    found = recommendations.compute(user.pk)["bookmarks"]
    assert [b["id"] for b in found] == [relevant.pk, other.pk]
    assert found[0]["reasons"][0] == "Tagged like your recent work: redis"
    assert fresh.pk not in [b["id"] for b in found]


def test_cached_for_an_hour_invalidated_by_interactions_and_not_interested_is_respected() -> None:
    user, creator = make_user(), make_user()
    content.create_note(user, title="n", tags=["go"])
    wanted = path(creator, "Go basics", tags="go")
    first = recommendations.recommendations(user.pk)
    with CaptureQueriesContext(connection) as queries:
        assert recommendations.recommendations(user.pk) == first
    assert len(queries) == 0
    generation = RECOMMENDATIONS.generation(user.pk)
    content.create_note(user, title="another", tags=["go"])
    assert RECOMMENDATIONS.generation(user.pk) > generation
    client = signed_in(user)
    page = client.get("/analytics/recommendations/").content.decode()
    assert "Go basics" in page
    response = client.post(
        "/analytics/recommendations/not-interested/", {"kind": "path", "id": str(wanted.pk)}
    )
    assert response.status_code == 302
    assert "Go basics" not in client.get("/analytics/recommendations/").content.decode()
    client.post(
        "/analytics/recommendations/not-interested/", {"kind": "path", "id": str(wanted.pk)}
    )  # twice: fine
    for bad in ({"kind": "wat", "id": "1"}, {"kind": "path", "id": "x"}, {"kind": "path", "id": "9" * 40}):
        assert client.post("/analytics/recommendations/not-interested/", bad).status_code == 404


def test_the_dashboard_loads_recommendations_as_a_fragment() -> None:
    client = signed_in(make_user())
    assert 'hx-get="/analytics/recommendations/"' in client.get("/analytics/").content.decode()
    fragment = client.get("/analytics/recommendations/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="recommendations">') and "<html" not in fragment


def test_manual_refresh_recomputes_and_is_limited_by_the_expensive_policy(settings: Any) -> None:
    settings.RATE_LIMIT_POLICIES = default_rows(expensive={"limit": 2})
    user = make_user()
    client = signed_in(user)
    generation = RECOMMENDATIONS.generation(user.pk)
    headers = {"HTTP_ACCEPT": "application/json"}
    responses = [client.post("/analytics/recommendations/refresh/", **headers) for _ in range(3)]
    assert [r.status_code for r in responses] == [302, 302, 429]
    assert json.loads(responses[2].content)["policy"] == "expensive"
    assert responses[0]["RateLimit-Limit"] == "2"
    assert RECOMMENDATIONS.generation(user.pk) == generation + 2
