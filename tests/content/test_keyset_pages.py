"""Deep list pages by keyset cursor: every row once and in order across ties, both ways, with no
OFFSET and no COUNT in the SQL of a cursor page, and a repeated cursor page served from the cache."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from content import selectors
from content.models import Bookmark, Note, StoredFile, Task
from content.views import common
from tests.factories import make_user, signed_in
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db

NEXT = re.compile(r'rel="next" href="\?([^"]*)"')
PREVIOUS = re.compile(r'rel="prev" href="\?([^"]*)"')
ROWS = 11
T0 = timezone.now().replace(microsecond=0)


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of 2 rows, by number for the first page only: a short list walks many cursor pages."""
    monkeypatch.setattr(common, "PAGE_SIZE", 2)
    monkeypatch.setattr(common, "NUMBERED_PAGES", 1)


def _times(i: int) -> dt.datetime:
    return T0 - dt.timedelta(minutes=i % 3)  # three distinct times: ties of four rows each


def _fill(owner: Any) -> None:
    Bookmark.objects.bulk_create(
        Bookmark(
            owner=owner,
            url=f"https://e.com/{i}",
            title=f"Same {i % 2}",
            created_at=_times(i),
            updated_at=_times(i),
        )
        for i in range(ROWS)
    )
    Task.objects.bulk_create(
        Task(
            owner=owner,
            title=f"T{i % 3}",
            priority=("high", "low")[i % 2],
            created_at=_times(i),
            updated_at=_times(i),
            due_date=None if i % 4 == 0 else T0.date() + dt.timedelta(days=i % 2),
        )
        for i in range(ROWS)
    )
    Note.objects.bulk_create(
        Note(owner=owner, title=f"N{i % 2}", is_pinned=i % 5 == 0, created_at=_times(i), updated_at=_times(i))
        for i in range(ROWS)
    )
    StoredFile.objects.bulk_create(
        StoredFile(
            owner=owner,
            name=f"f{i % 2}.txt",
            blob=f"x/{i}",
            size=i % 3,
            content_type="text/plain",
            sha256="0" * 64,
            created_at=_times(i),
            updated_at=_times(i),
        )
        for i in range(ROWS)
    )


EXPECTED = {
    "bookmark": lambda uid, sort: selectors.bookmarks_for(uid, sort=sort),
    "task": lambda uid, sort: selectors.tasks_for(uid, sort=sort),
    "note": lambda uid, sort: selectors.notes_for(uid, sort=sort),
    "file": lambda uid, sort: selectors.files_for(uid, sort=sort),
}
SORTS = {
    "bookmark": ("newest", "oldest", "updated", "title"),
    "task": ("newest", "due", "priority", "updated", "title"),
    "note": ("updated", "newest", "title"),
    "file": ("newest", "name", "size"),
}
ROW_ID = re.compile(r'name="ids" value="(\d+)"')


def _ids(page: str) -> list[int]:
    return [int(pk) for pk in ROW_ID.findall(page)]


def _walk(client: Client, url: str, query: str, link: re.Pattern[str]) -> list[list[int]]:
    pages = []
    while True:
        page = client.get(f"{url}?{query}").content.decode()
        pages.append(_ids(page))
        found = link.search(page)
        if found is None:
            return pages
        query = html.unescape(found.group(1))


@pytest.mark.parametrize("kind,sort", [(kind, sort) for kind, sorts in SORTS.items() for sort in sorts])
def test_every_row_once_and_in_order_across_ties_forwards_and_back(
    kind: str, sort: str, private_redis_roles: RedisProcess
) -> None:
    user = make_user()
    _fill(user)
    expected = list(EXPECTED[kind](user.pk, sort).values_list("pk", flat=True))
    client = signed_in(user)
    url = reverse(f"content:{kind}_list")
    forwards = _walk(client, url, f"sort={sort}", NEXT)
    assert [pk for page in forwards for pk in page] == expected
    assert [len(page) for page in forwards] == [2] * 5 + [1]
    last = client.get(url, {"sort": sort, "page": "1"}).content.decode()
    for _ in range(5):  # to the last page by its Older links, then all the way back
        last = client.get(f"{url}?{html.unescape(NEXT.search(last).group(1))}").content.decode()
    assert NEXT.search(last) is None and "Page 6" in last
    back = _walk(client, url, html.unescape(PREVIOUS.search(last).group(1)), PREVIOUS)
    assert back == forwards[-2::-1]


def test_a_cursor_page_has_no_offset_and_no_count_and_repeats_from_the_cache(
    private_redis_roles: RedisProcess,
) -> None:
    user = make_user()
    _fill(user)
    client = signed_in(user)
    url = reverse("content:bookmark_list")
    with CaptureQueriesContext(connection) as numbered:
        first = client.get(url, {"sort": "title", "page": "2"}).content.decode()
    assert any("OFFSET" in q["sql"] for q in numbered) and any("COUNT(" in q["sql"] for q in numbered)
    cursor_query = html.unescape(NEXT.search(first).group(1))
    assert cursor_query.startswith("sort=title&after=")
    with CaptureQueriesContext(connection) as deep:
        page = client.get(f"{url}?{cursor_query}").content.decode()
    content = [q["sql"] for q in deep if '"content_bookmark"' in q["sql"]]
    assert content and not any("OFFSET" in sql or "COUNT(" in sql for sql in content), content
    assert "Page 3" in page and "in all" not in page
    with CaptureQueriesContext(connection) as again:
        assert client.get(f"{url}?{cursor_query}").content.decode().count('name="ids"') == 2
    assert len(again) == 0, [q["sql"] for q in again]


@pytest.mark.parametrize("cursor", ["junk", "W10", "WzEsMl0", "WzIsIm5vdCBhIGRhdGUiLDFd", "=" * 3000])
def test_a_malformed_cursor_shows_the_first_page(cursor: str, private_redis_roles: RedisProcess) -> None:
    user = make_user()
    _fill(user)
    response = signed_in(user).get(reverse("content:bookmark_list"), {"after": cursor})
    assert response.status_code == 200
    assert _ids(response.content.decode()) == list(
        selectors.bookmarks_for(user.pk).values_list("pk", flat=True)[:2]
    )


def test_a_cursor_reaches_only_the_owners_rows(private_redis_roles: RedisProcess) -> None:
    owner, stranger = make_user(), make_user()
    _fill(owner)
    _fill(stranger)
    client = signed_in(owner)
    url = reverse("content:bookmark_list")
    pages = _walk(client, url, "sort=newest", NEXT)
    mine = set(Bookmark.objects.filter(owner=owner).values_list("pk", flat=True))
    assert {pk for page in pages for pk in page} == mine


def test_a_cursor_page_keeps_the_filters_and_select_all(private_redis_roles: RedisProcess) -> None:
    user = make_user()
    _fill(user)
    client = signed_in(user)
    url = reverse("content:bookmark_list")
    first = client.get(url, {"sort": "title"}).content.decode()
    deep = client.get(f"{url}?{html.unescape(NEXT.search(first).group(1))}").content.decode()
    assert 'name="sort"' in deep  # the filter form
    assert 'name="all" value="1"> or all bookmarks of this list' in deep
    assert 'name="filters" value="sort=title"' in deep  # the list's query, without the cursor
