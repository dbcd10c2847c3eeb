"""Marketplace pages: browse (filters, bad input), item page, reviews, publish, the author's stats."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from content import services as content_services
from marketplace import services
from marketplace.models import Item, Review
from tests.factories import make_user, signed_in

pytestmark = pytest.mark.django_db


def test_browse_shows_items_and_survives_bad_parameters(publish_note: Callable[..., Item]) -> None:
    item = publish_note(make_user(), title="Weekly review template", category="productivity")
    client = signed_in(make_user())
    queries = (
        "",
        "?sort=newest",
        "?sort=top_rated",
        "?sort=downloads",
        "?category=productivity&sort=newest",
        "?q=weekly&sort=newest",
        "?sort=bogus&category=nope&page=abc",
        "?page=999999999999999999999",
    )
    for query in queries:
        response = client.get(f"/marketplace/{query}")
        assert response.status_code == 200, query
    assert item.title in client.get("/marketplace/?sort=newest").content.decode()
    assert item.title in client.get("/marketplace/?q=WEEKLY&sort=top_rated").content.decode()
    assert item.title not in client.get("/marketplace/?q=gardening&sort=newest").content.decode()
    assert item.title not in client.get("/marketplace/?category=design&sort=newest").content.decode()
    empty_trending = client.get("/marketplace/").content.decode()
    assert "Nothing was viewed in the last 24 hours" in empty_trending


def test_item_page_previews_counts_a_view_and_takes_a_review(publish_note: Callable[..., Item]) -> None:
    author, reader = make_user(), make_user()
    item = publish_note(author, title="Plan")
    client = signed_in(reader)
    page = client.get(f"/marketplace/i/{item.pk}/").content.decode()
    assert "<h1>Plan</h1>" in page and "Add to my Trackeep" in page
    item.refresh_from_db()
    assert item.view_count == 1

    bad = client.post(f"/marketplace/i/{item.pk}/review/", {"stars": "9", "text": "x"})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    good = client.post(f"/marketplace/i/{item.pk}/review/", {"stars": "4", "text": "Useful"})
    assert good.status_code == 302
    client.post(f"/marketplace/i/{item.pk}/review/", {"stars": "5", "text": "Even better"})
    assert list(Review.objects.filter(item=item).values_list("stars", "text")) == [(5, "Even better")]
    own = signed_in(author).get(f"/marketplace/i/{item.pk}/").content.decode()
    assert "Add to my Trackeep" not in own and "Rate this item" not in own


def test_add_button_copies_once_and_says_so(
    publish_note: Callable[..., Item], django_capture_on_commit_callbacks: Any
) -> None:
    item = publish_note(make_user())
    client = signed_in(make_user())
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/marketplace/i/{item.pk}/add/", follow=True).content.decode()
        second = client.post(f"/marketplace/i/{item.pk}/add/", follow=True).content.decode()
    assert "Added to your Trackeep: 1 note." in first
    assert "nothing was copied again" in second
    assert client.get(f"/marketplace/i/{item.pk}/add/").status_code == 405


def test_publish_pages_and_the_authors_own_stats(publish_note: Callable[..., Item]) -> None:
    author = make_user()
    client = signed_in(author)
    assert "Bookmark collection" in client.get("/marketplace/publish/").content.decode()
    empty = client.get("/marketplace/publish/bookmark_collection/").content.decode()
    assert "You have nothing to publish" in empty
    assert client.get("/marketplace/publish/no_such_kind/").status_code == 404
    content_services.create_bookmark(author, url="https://example.org/", title="Ex", tags=["reading"])
    form = client.get("/marketplace/publish/bookmark_collection/").content.decode()
    assert "reading (1 bookmark)" in form
    missing_title = client.post("/marketplace/publish/bookmark_collection/", {"source": "", "title": ""})
    assert missing_title.status_code == 400

    item = publish_note(author, title="Stats please")
    services.record_view(item, make_user().pk)
    services.save_review(make_user(), item, stars=3, text="")
    mine = client.get("/marketplace/mine/").content.decode()
    assert "Stats please" in mine and "3.0 (1)" in mine


def test_only_the_author_edits_or_withdraws(publish_note: Callable[..., Item]) -> None:
    author, other = make_user(), make_user()
    item = publish_note(author, title="Mine")
    for url in (f"/marketplace/i/{item.pk}/edit/", f"/marketplace/i/{item.pk}/withdraw/"):
        assert signed_in(other).get(url).status_code == 404
        assert signed_in(other).post(url, {"title": "Hijacked"}).status_code == 404
    client = signed_in(author)
    assert "Withdraw this item?" in client.get(f"/marketplace/i/{item.pk}/withdraw/").content.decode()
    edited = client.post(
        f"/marketplace/i/{item.pk}/edit/",
        {
            "title": "Mine, improved",
            "category": "writing",
            "licence": "MIT",
            "version": "1.1",
            "tags": "a, B, a",
        },
    )
    assert edited.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.version, sorted(t.name for t in item.tags.all())) == (
        "Mine, improved",
        "1.1",
        ["a", "b"],
    )
    client.post(f"/marketplace/i/{item.pk}/withdraw/")
    item.refresh_from_db()
    assert item.status == Item.Status.WITHDRAWN
    assert signed_in(other).get(f"/marketplace/i/{item.pk}/").status_code == 404
    assert client.post(f"/marketplace/i/{item.pk}/republish/").status_code == 302
    item.refresh_from_db()
    assert item.is_published


def test_publishing_and_copying_spend_the_upload_budget(
    publish_note: Callable[..., Item], settings: Any
) -> None:
    from tests.ratelimit.conftest import default_rows

    item = publish_note(make_user())
    settings.RATE_LIMIT_POLICIES = default_rows(uploads={"limit": 1})
    client = signed_in(make_user())
    assert client.post(f"/marketplace/i/{item.pk}/add/")["RateLimit-Limit"] == "1"
    assert client.post(f"/marketplace/i/{item.pk}/add/").status_code == 429
    assert client.post("/marketplace/publish/note_template/").status_code == 429
    assert client.get(f"/marketplace/i/{item.pk}/")["RateLimit-Limit"] == "100"  # reading: the general policy
