"""Bookmarks: create (title from the URL when none is given), list, filters, edit, delete, inline
read/favourite switches over htmx, owner scoping, and constant query counts on the list page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content import services
from content.models import Bookmark

pytestmark = pytest.mark.django_db


def test_create_from_just_a_url_fills_the_title(client_of: Client, owner: Any) -> None:
    response = client_of.post(
        reverse("content:bookmark_create"), {"url": "https://www.example.com/docs/intro/"}
    )
    assert response.status_code == 302
    bookmark = Bookmark.objects.get(owner=owner)
    assert bookmark.title == "example.com/docs/intro"
    page = client_of.get(reverse("content:bookmark_list"))
    assert b"example.com/docs/intro" in page.content


def test_create_with_every_field_and_tags(client_of: Client, owner: Any) -> None:
    client_of.post(
        reverse("content:bookmark_create"),
        {
            "url": "https://djangoproject.com",
            "title": "Django",
            "description": "The web framework",
            "favicon_url": "https://djangoproject.com/favicon.ico",
            "is_favorite": "on",
            "is_read": "on",
            "tag_names": "python, Dev / Web, python",
        },
    )
    bookmark = Bookmark.objects.get(owner=owner)
    assert (bookmark.title, bookmark.is_favorite, bookmark.is_read) == ("Django", True, True)
    assert bookmark.read_at is not None
    assert sorted(t.name for t in bookmark.tags.all()) == ["Dev/Web", "python"]


def test_invalid_url_is_a_readable_form_error_not_a_crash(client_of: Client) -> None:
    response = client_of.post(reverse("content:bookmark_create"), {"url": "javascript:alert(1)"})
    assert response.status_code == 400
    assert b"Enter a valid URL" in response.content
    assert not Bookmark.objects.exists()


def test_edit_and_delete_with_confirmation(client_of: Client, owner: Any) -> None:
    bookmark = services.create_bookmark(owner, url="https://a.example", title="A")
    response = client_of.post(
        reverse("content:bookmark_edit", args=[bookmark.pk]),
        {"url": "https://b.example", "title": "B", "tag_names": "x"},
    )
    assert response.status_code == 302
    bookmark.refresh_from_db()
    assert (bookmark.url, bookmark.title) == ("https://b.example", "B")
    assert bookmark.updated_at > bookmark.created_at

    confirm = client_of.get(reverse("content:bookmark_delete", args=[bookmark.pk]))
    assert confirm.status_code == 200 and b"cannot be undone" in confirm.content
    assert Bookmark.objects.filter(pk=bookmark.pk).exists()  # a GET never deletes
    client_of.post(reverse("content:bookmark_delete", args=[bookmark.pk]))
    assert not Bookmark.objects.filter(pk=bookmark.pk).exists()


def test_htmx_toggles_return_the_updated_row(client_of: Client, owner: Any) -> None:
    bookmark = services.create_bookmark(owner, url="https://a.example", title="A")
    url = reverse("content:bookmark_toggle", args=[bookmark.pk, "favorite"])
    response = client_of.post(url, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/x/")
    assert response.status_code == 200
    assert response.content.lstrip().startswith(b"<li")
    assert f'id="bookmark-{bookmark.pk}"'.encode() in response.content
    assert b'aria-pressed="true"' in response.content
    bookmark.refresh_from_db()
    assert bookmark.is_favorite

    client_of.post(reverse("content:bookmark_toggle", args=[bookmark.pk, "read"]), HTTP_HX_REQUEST="true")
    bookmark.refresh_from_db()
    assert bookmark.is_read and bookmark.read_at is not None
    client_of.post(reverse("content:bookmark_toggle", args=[bookmark.pk, "read"]), HTTP_HX_REQUEST="true")
    bookmark.refresh_from_db()
    assert not bookmark.is_read and bookmark.read_at is None


def test_toggle_without_htmx_redirects_back(client_of: Client, owner: Any) -> None:
    bookmark = services.create_bookmark(owner, url="https://a.example", title="A")
    url = reverse("content:bookmark_toggle", args=[bookmark.pk, "read"])
    response = client_of.post(url, {"next": "/content/bookmarks/?read=no"})
    assert response.status_code == 302 and response["Location"] == "/content/bookmarks/?read=no"
    evil = client_of.post(url, {"next": "https://evil.example/"})
    assert evil["Location"] == reverse("content:bookmark_list")
    assert client_of.post(reverse("content:bookmark_toggle", args=[bookmark.pk, "nope"])).status_code == 404


def test_another_users_bookmark_answers_404_everywhere(
    client_of: Client, stranger_client: Client, owner: Any
) -> None:
    bookmark = services.create_bookmark(owner, url="https://a.example", title="Private")
    for name, args in [
        ("content:bookmark_detail", [bookmark.pk]),
        ("content:bookmark_edit", [bookmark.pk]),
        ("content:bookmark_delete", [bookmark.pk]),
    ]:
        assert stranger_client.get(reverse(name, args=args)).status_code == 404
        assert stranger_client.post(reverse(name, args=args), {"url": "https://x.example"}).status_code == 404
    toggle = reverse("content:bookmark_toggle", args=[bookmark.pk, "read"])
    assert stranger_client.post(toggle).status_code == 404
    bulk = stranger_client.post(
        reverse("content:bookmark_bulk_delete"), {"ids": [bookmark.pk], "confirm": "yes"}
    )
    assert bulk.status_code == 302
    assert b"Private" not in stranger_client.get(reverse("content:bookmark_list")).content
    bookmark.refresh_from_db()
    assert (bookmark.title, bookmark.is_read) == ("Private", False)


def test_filters_and_sorting(client_of: Client, owner: Any) -> None:
    services.create_bookmark(owner, url="https://a.example", title="Alpha", is_favorite=True, tags=["x"])
    services.create_bookmark(owner, url="https://b.example", title="Beta", is_read=True)
    tag = owner.content_tags.get(name="x")
    list_url = reverse("content:bookmark_list")

    def titles(query: str) -> list[str]:
        page = client_of.get(f"{list_url}?{query}").context["page"]
        return [b.title for b in page.object_list]

    assert titles("favorite=yes") == ["Alpha"]
    assert titles("read=yes") == ["Beta"]
    assert titles(f"tag={tag.pk}") == ["Alpha"]
    assert titles("sort=title") == ["Alpha", "Beta"]
    assert titles("sort=oldest") == ["Alpha", "Beta"]
    assert titles("sort=newest") == ["Beta", "Alpha"]
    # Nonsense in the query string is ignored, never an error.
    assert sorted(titles("tag=abc&favorite=maybe&sort=%00&page=-3")) == ["Alpha", "Beta"]


def test_empty_states_read_well(client_of: Client, owner: Any) -> None:
    page = client_of.get(reverse("content:bookmark_list"))
    assert b"No bookmarks yet" in page.content
    services.create_bookmark(owner, url="https://a.example", title="A")
    filtered = client_of.get(reverse("content:bookmark_list") + "?favorite=yes")
    assert b"No bookmarks match these filters" in filtered.content


def test_list_page_queries_do_not_grow_with_rows(client_of: Client, owner: Any) -> None:
    def count_queries() -> int:
        client_of.get(reverse("content:bookmark_list"))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client_of.get(reverse("content:bookmark_list"))
        assert response.status_code == 200
        return len(queries)

    for n in range(2):
        services.create_bookmark(owner, url=f"https://{n}.example", title=str(n), tags=["a", f"t{n}"])
    few = count_queries()
    for n in range(2, 20):
        services.create_bookmark(owner, url=f"https://{n}.example", title=str(n), tags=["a", f"t{n}"])
    many = count_queries()
    assert few == many
    assert many <= 5  # tags for the filter menu, page count, page rows, their tags, the collections
