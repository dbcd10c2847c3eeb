"""Learning paths: authoring with module ordering and resource cards, visibility, enrolment and
progress, ratings, browsing, and the cached popular and featured paths (warm: no query; a newly
published path shows on the next request)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content import services as content
from learning import selectors, services
from learning.caches import POPULAR_PATHS
from learning.models import Enrollment, LearningPath, Module, ModuleProgress, Rating, Resource
from tests.factories import make_user, signed_in
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db(transaction=True)


def published_path(
    creator: Any, title: str = "Redis basics", modules: int = 2, **fields: Any
) -> LearningPath:
    path = services.create_path(creator, title=title, is_published=True, **fields)
    for n in range(modules):
        services.add_module(path, title=f"Module {n + 1}")
    return path


def test_a_creator_builds_orders_and_publishes_a_path_through_the_pages() -> None:
    creator = make_user()
    bookmark = content.create_bookmark(creator, url="https://redis.io/docs/", title="Redis docs")
    note = content.create_note(creator, title="My cheat sheet", content="**SET** and GET")
    client = signed_in(creator)
    response = client.post(
        "/learning/paths/new/",
        {
            "title": " Redis in a week ",
            "description": "From zero",
            "category": "devops",
            "difficulty": "beginner",
            "estimated_minutes": "120",
            "tags": "Redis, caching, redis",
        },
    )
    assert response.status_code == 302
    path = LearningPath.objects.get()
    assert (path.title, path.tags, path.is_published) == ("Redis in a week", "redis, caching", False)
    for title in ("Basics", "Data types", "Persistence"):
        client.post(f"/learning/paths/{path.pk}/modules/new/", {"title": title})
    basics, _, persistence = path.modules.all()
    client.post(f"/learning/modules/{persistence.pk}/move/", {"direction": "up"})
    client.post(f"/learning/modules/{basics.pk}/move/", {"direction": "up"})  # already first: stays
    assert [m.title for m in path.modules.all()] == ["Basics", "Persistence", "Data types"]
    client.post(
        f"/learning/modules/{basics.pk}/resources/new/", {"kind": "link", "url": "https://try.redis.io/"}
    )
    client.post(
        f"/learning/modules/{basics.pk}/resources/new/", {"kind": "bookmark", "bookmark": str(bookmark.pk)}
    )
    client.post(f"/learning/modules/{basics.pk}/resources/new/", {"kind": "note", "note": str(note.pk)})
    assert [r.kind for r in basics.resources.all()] == ["link", "bookmark", "note"]
    page = client.get(f"/learning/modules/{basics.pk}/").content.decode()
    assert "Redis docs" in page and "<strong>SET</strong>" in page and "https://try.redis.io/" in page
    form = {"title": path.title, "description": "", "category": "devops", "difficulty": "beginner",
            "estimated_minutes": "120", "tags": "redis", "is_published": "on"}  # fmt: skip
    client.post(f"/learning/paths/{path.pk}/edit/", form)
    path.refresh_from_db()
    assert path.is_published and path.published_at is not None


def test_cards_only_from_the_creators_own_bookmarks_and_notes() -> None:
    creator, other = make_user(), make_user()
    theirs = content.create_bookmark(other, url="https://example.com/", title="Not yours")
    path = published_path(creator, modules=1)
    module = path.modules.get()
    response = signed_in(creator).post(
        f"/learning/modules/{module.pk}/resources/new/", {"kind": "bookmark", "bookmark": str(theirs.pk)}
    )
    assert response.status_code == 400 and not Resource.objects.exists()
    bad_url = signed_in(creator).post(
        f"/learning/modules/{module.pk}/resources/new/", {"kind": "link", "url": "nope ::"}
    )
    assert bad_url.status_code == 400
    with pytest.raises(services.NotAllowed):
        services.add_resource(module, kind="bookmark", bookmark=theirs)


def test_drafts_and_authoring_pages_are_404_for_others() -> None:
    creator, other = make_user(), make_user()
    draft = services.create_path(creator, title="Secret draft")
    module = services.add_module(draft, title="Hidden")
    public = published_path(creator)
    client = signed_in(other)
    hidden = (
        f"/learning/paths/{draft.pk}/",
        f"/learning/modules/{module.pk}/",
        f"/learning/paths/{public.pk}/edit/",
        f"/learning/paths/{public.pk}/delete/",
        f"/learning/paths/{public.pk}/modules/new/",
        f"/learning/modules/{public.modules.first().pk}/edit/",
    )
    for url in hidden:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/learning/paths/{draft.pk}/enrol/").status_code == 404
    assert client.post(f"/learning/paths/{public.pk}/feature/", {"featured": "1"}).status_code == 404
    assert client.get("/learning/paths/999999999999999999/").status_code == 404
    assert "Secret draft" not in client.get("/learning/browse/", {"q": "Secret"}).content.decode()


def test_enrol_complete_every_module_and_rate() -> None:
    creator, learner = make_user(), make_user()
    path = published_path(creator)
    first, second = path.modules.all()
    client = signed_in(learner)
    assert client.post(f"/learning/modules/{first.pk}/done/").status_code == 302  # not enrolled: refused
    assert not ModuleProgress.objects.exists()
    client.post(f"/learning/paths/{path.pk}/enrol/")
    response = client.post(f"/learning/modules/{first.pk}/done/", {"done": "1"})
    assert response["Location"] == f"/learning/modules/{second.pk}/"  # on to the next module
    client.post(f"/learning/modules/{second.pk}/done/", {"done": "1"})
    enrollment = Enrollment.objects.get()
    assert enrollment.completed_at is not None
    client.post(f"/learning/modules/{second.pk}/done/", {"done": "0"})
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None and ModuleProgress.objects.count() == 1
    mine = client.get("/learning/mine/").content.decode()
    assert path.title in mine and "1/2 modules" in mine
    assert client.post(f"/learning/paths/{path.pk}/rate/", {"stars": "9"}).status_code == 302
    assert not Rating.objects.exists()
    client.post(f"/learning/paths/{path.pk}/rate/", {"stars": "4", "review": "Solid"})
    client.post(f"/learning/paths/{path.pk}/rate/", {"stars": "5", "review": "Even better"})
    assert list(Rating.objects.values_list("stars", "review")) == [(5, "Even better")]
    with pytest.raises(services.NotAllowed):
        services.rate(creator, path, stars=5)
    with pytest.raises(services.NotAllowed):
        services.rate(make_user(), path, stars=5)


def test_leaving_asks_first_and_removes_progress() -> None:
    creator, learner = make_user(), make_user()
    path = published_path(creator)
    services.enrol(learner, path)
    services.set_module_done(learner, path.modules.first(), True)
    client = signed_in(learner)
    assert "progress on it is deleted" in client.get(f"/learning/paths/{path.pk}/leave/").content.decode()
    client.post(f"/learning/paths/{path.pk}/leave/")
    assert not Enrollment.objects.exists() and not ModuleProgress.objects.exists()


def test_browse_filters_sorts_and_survives_bad_input() -> None:
    creator = make_user()
    published_path(creator, title="Python testing", category="programming", tags="python, pytest")
    published_path(creator, title="Bread baking", category="other")
    services.create_path(creator, title="Python draft")
    client = signed_in(make_user())
    page = client.get("/learning/browse/", {"q": "python"}).content.decode()
    assert "Python testing" in page and "Bread" not in page and "Python draft" not in page
    page = client.get("/learning/browse/", {"q": "pytest"}).content.decode()  # tags are searched too
    assert "Python testing" in page
    assert "Bread baking" in client.get("/learning/browse/", {"category": "other"}).content.decode()
    for params in ({"category": "nope"}, {"sort": "'; drop"}, {"page": "-3"}, {"q": "x" * 500}):
        assert client.get("/learning/browse/", params).status_code == 200


def test_popular_paths_warm_read_costs_no_query(
    private_redis_roles: RedisProcess, round_trips: Callable[[], Any]
) -> None:
    creator = make_user()
    popular, quiet = published_path(creator, title="Popular one"), published_path(creator, title="Quiet one")
    for _ in range(3):
        services.enrol(make_user(), popular)
    assert [p["title"] for p in selectors.popular_paths()] == ["Popular one", "Quiet one"]
    with CaptureQueriesContext(connection) as queries, round_trips() as sent:
        rows = selectors.popular_paths()
    assert len(queries) == 0 and len(sent) == 1
    assert rows[0]["learners"] == 3 and rows[0]["modules_count"] == 2 and quiet.pk == rows[1]["id"]
    client = signed_in(make_user())
    client.get("/learning/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/learning/").content.decode()
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert "Popular one" in page


def test_publishing_a_path_shows_it_within_one_request() -> None:
    creator = make_user()
    published_path(creator, title="Already there")
    client = signed_in(make_user())
    assert "Brand new path" not in client.get("/learning/").content.decode()
    fresh = services.create_path(creator, title="Brand new path")
    assert "Brand new path" not in client.get("/learning/").content.decode()  # a draft is not listed
    services.update_path(fresh, is_published=True)
    assert "Brand new path" in client.get("/learning/").content.decode()
    services.update_path(fresh, is_published=False)
    assert "Brand new path" not in client.get("/learning/").content.decode()


def test_rating_and_editing_invalidate_the_catalogue_but_enrolling_does_not() -> None:
    creator, learner = make_user(), make_user()
    path = published_path(creator)
    selectors.popular_paths()
    generation = POPULAR_PATHS.generation()
    services.enrol(learner, path)
    assert POPULAR_PATHS.generation() == generation
    services.rate(learner, path, stars=4)
    assert POPULAR_PATHS.generation() > generation
    assert selectors.popular_paths()[0]["avg_rating"] == 4.0
    generation = POPULAR_PATHS.generation()
    services.add_module(path, title="Extra")
    assert POPULAR_PATHS.generation() > generation
    assert selectors.popular_paths()[0]["modules_count"] == 3


def test_staff_feature_a_path() -> None:
    creator, staff = make_user(), make_user(is_staff=True)
    path = published_path(creator, title="Worth featuring")
    client = signed_in(staff)
    assert "Worth featuring" not in client.get("/learning/").content.decode().split("Popular")[0]
    client.post(f"/learning/paths/{path.pk}/feature/", {"featured": "1"})
    assert [p["title"] for p in selectors.featured_paths()] == ["Worth featuring"]
    assert 'id="featured"' in client.get("/learning/").content.decode()


def test_deleting_a_module_or_path_takes_learners_progress_with_it() -> None:
    creator, learner = make_user(), make_user()
    path = published_path(creator, modules=3)
    services.enrol(learner, path)
    first = path.modules.first()
    services.set_module_done(learner, first, True)
    client = signed_in(creator)
    assert (
        "learners lose their progress" in client.get(f"/learning/modules/{first.pk}/delete/").content.decode()
    )
    client.post(f"/learning/modules/{first.pk}/delete/")
    assert not ModuleProgress.objects.exists() and Module.objects.count() == 2
    assert "1 learner lose" in client.get(f"/learning/paths/{path.pk}/delete/").content.decode()
    client.post(f"/learning/paths/{path.pk}/delete/")
    assert not LearningPath.objects.exists() and not Enrollment.objects.exists()
