"""The list pages: a repeated page is served from the owner's ``lists`` cache (no query, at most
three Redis round trips), a write shows at once, and a miss costs the same queries at any page size."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content import services
from content.views.common import PAGE_SIZE
from tests.factories import make_user, signed_in
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db(transaction=True)  # content announces its writes after commit

LISTS = ("bookmark_list", "task_list", "note_list", "file_list", "tag_list", "project_list")
PER_REQUEST = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"|"X-CSRFToken": "[^"]+"')


def _fill(user: Any, n: int) -> None:
    project = services.create_project(user, name="Home")
    for i in range(n):
        services.create_bookmark(
            user, url=f"https://example.com/{i}", title=f"Site {i}", tags=["web", f"t{i}"]
        )
        task = services.create_task(user, title=f"Task {i}", tags=["todo"], project=project)
        services.create_task(user, title=f"Sub {i}", parent=task)
        note = services.create_note(user, title=f"Note {i}", tags=["idea"])
        services.create_note(user, title=f"Child {i}", parent=note)


def _without_tokens(content: bytes) -> bytes:
    """A page less its per-request CSRF tokens and CSP nonces."""
    return PER_REQUEST.sub(b"", content)


@pytest.mark.parametrize("name", LISTS)
def test_a_repeated_list_page_needs_no_query_and_three_round_trips(
    name: str, private_redis_roles: RedisProcess, round_trips: Callable[[], Any]
) -> None:
    user = make_user()
    _fill(user, 3)
    client = signed_in(user)
    url = reverse(f"content:{name}")
    first = client.get(url, {"sort": "title"})
    with CaptureQueriesContext(connection) as queries, round_trips() as sent:
        again = client.get(url, {"sort": "title"})
    assert again.status_code == 200
    assert _without_tokens(again.content) == _without_tokens(first.content)
    assert len(queries) == 0, [q["sql"] for q in queries]
    # The session GET; the rate-limit EVALSHA (the bell's HGETALL riding along); the lists EVALSHA.
    assert len(sent) <= 3


def test_a_write_shows_on_the_next_list_page(private_redis_roles: RedisProcess) -> None:
    user = make_user()
    services.create_bookmark(user, url="https://example.com/a", title="First site")
    client = signed_in(user)
    assert b"First site" in client.get(reverse("content:bookmark_list")).content
    bookmark = services.create_bookmark(user, url="https://example.com/b", title="Second site")
    assert b"Second site" in client.get(reverse("content:bookmark_list")).content
    services.update_tag(services.resolve_tags(user.pk, ["renamed"])[0], name="fresh", color="#000000")
    assert b"fresh" in client.get(reverse("content:tag_list")).content
    services.delete_items(user.pk, "bookmark", [bookmark.pk])
    page = client.get(reverse("content:bookmark_list")).content
    assert b"Second site" not in page and b"First site" in page


def test_filters_and_pages_are_cached_apart_and_per_owner(private_redis_roles: RedisProcess) -> None:
    owner, stranger = make_user(), make_user()
    for i in range(PAGE_SIZE + 2):
        services.create_bookmark(owner, url=f"https://example.com/{i}", title=f"Site {i:02}")
    services.create_bookmark(owner, url="https://example.com/fav", title="Zoo site", is_favorite=True)
    client = signed_in(owner)
    url = reverse("content:bookmark_list")
    first = client.get(url, {"sort": "title"}).content
    second = client.get(url, {"sort": "title", "page": "2"}).content
    assert b"Site 00" in first and b"Site 00" not in second and b"Zoo site" in second
    assert b"Page 2 of 2" in second and b"28 in all" in second
    favourites = client.get(url, {"favorite": "yes"}).content
    assert b"Zoo site" in favourites and b"Site 01" not in favourites
    assert b"Site 00" in client.get(url, {"sort": "title"}).content  # a hit, not the favourites page
    assert b"Site 00" not in signed_in(stranger).get(url, {"sort": "title"}).content


@pytest.mark.parametrize("name", ["bookmark_list", "task_list", "note_list", "tag_list", "project_list"])
def test_a_list_page_costs_the_same_queries_for_few_rows_as_for_many(name: str) -> None:
    """No query per row (tags, parents, projects, subtask counts come with the page)."""

    def misses(n: int) -> int:
        user = make_user()
        _fill(user, n)
        client = signed_in(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(f"content:{name}")).status_code == 200
        # Content's own queries (a periodic refresh of the revocation table may add one elsewhere).
        return sum('"content_' in query["sql"] for query in queries)

    assert misses(2) == misses(8)
