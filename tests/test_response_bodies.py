"""Per-request work of the hot read endpoints: cached final bodies (search JSON, search partials,
the home dashboard fragment) build no form and render nothing on a repeat, carry this request's
CSRF token and timing, and change after a write; the layout resolves its constant URLs once."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import django.urls
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse, set_script_prefix

from content import services
from core.templatetags.id_url import id_url
from search import views as search_views
from tests.factories import make_user, signed_in
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db(transaction=True)  # content announces its writes after commit

HTMX = {"HTTP_HX_REQUEST": "true"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def forms_built(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every SearchForm the search views build."""
    built: list[Any] = []
    original = search_views.SearchForm

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(search_views, "SearchForm", counting)
    return built


@pytest.fixture
def reverses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URL names ``{% url %}`` tags resolve."""
    names: list[str] = []
    original = django.urls.reverse

    def counting(name: str, *args: Any, **kwargs: Any) -> str:
        names.append(name)
        return original(name, *args, **kwargs)

    monkeypatch.setattr(django.urls, "reverse", counting)  # the tag imports it when it renders
    return names


@pytest.mark.parametrize(
    "url,params,headers",
    [
        ("search:api", {"q": "quokka"}, {}),
        ("search:page", {"q": "quokka"}, HTMX),
        ("search:quick", {"q": "quokka"}, {}),
    ],
)
def test_a_repeated_search_body_builds_no_form_and_needs_no_query(
    url: str,
    params: dict[str, str],
    headers: dict[str, str],
    private_redis_roles: RedisProcess,
    round_trips: Callable[[], Any],
    forms_built: list[Any],
) -> None:
    user = make_user()
    services.create_note(user, title="Quokka facts")
    client = signed_in(user)
    first = client.get(reverse(url), params, **headers)
    assert first.status_code == 200 and b"Quokka" in first.content
    forms_built.clear()
    with CaptureQueriesContext(connection) as queries, round_trips() as sent:
        again = client.get(reverse(url), params, **headers)
    assert again.status_code == 200 and b"Quokka" in again.content
    assert forms_built == []
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert len(sent) <= 3  # the session, the rate-limit check, the body
    services.create_note(user, title="Quokka sightings")
    assert b"sightings" in client.get(reverse(url), params, **headers).content


def test_the_json_body_says_how_this_request_was_served(private_redis_roles: RedisProcess) -> None:
    user = make_user()
    services.create_note(user, title="Quokka facts")
    client = signed_in(user)
    first = client.get(reverse("search:api"), {"q": "quokka"}).json()
    second = client.get(reverse("search:api"), {"q": "quokka"}).json()
    assert first["cached"] is False and second["cached"] is True
    assert isinstance(second["took_ms"], float | int)
    assert {k: v for k, v in first.items() if k not in ("cached", "took_ms")} == {
        k: v for k, v in second.items() if k not in ("cached", "took_ms")
    }
    assert second["hits"][0]["title_html"] == "<mark>Quokka</mark> facts"
    bad = client.get(reverse("search:api"), {"q": "x", "kind": "nonsense"})
    assert bad.status_code == 400 and "errors" in bad.json()
    assert client.get(reverse("search:api"), {"q": "x", "kind": "nonsense"}).status_code == 400


def test_a_cached_partial_carries_a_csrf_token_that_this_client_can_post_with(
    private_redis_roles: RedisProcess,
) -> None:
    owner = make_user()
    services.create_note(owner, title="Quokka facts")
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    pages = [client.get(reverse("search:page"), {"q": "quokka"}, **HTMX).content.decode() for _ in range(2)]
    assert "(cached)" in pages[1] and "(cached)" not in pages[0]
    token = TOKEN.search(pages[1]).group(1)
    other = Client(enforce_csrf_checks=True)
    other.force_login(owner)
    other.get(reverse("search:page"), {"q": "quokka"}, **HTMX)  # its own cookie, the same cached body
    assert TOKEN.search(other.get(reverse("search:page"), {"q": "quokka"}, **HTMX).content.decode()).group(1)
    saved = client.post(
        f"{reverse('search:saved')}?q=quokka", {"name": "Quokkas", "csrfmiddlewaretoken": token}
    )
    assert saved.status_code == 302


def test_the_home_fragment_is_rendered_once_per_generation(
    private_redis_roles: RedisProcess, round_trips: Callable[[], Any], reverses: list[str]
) -> None:
    user = make_user()
    services.create_bookmark(user, url="https://example.com/a", title="First site")
    client = signed_in(user)
    first = client.get("/")
    assert "analytics/_home_dashboard.html" in [t.name for t in first.templates]
    reverses.clear()
    with CaptureQueriesContext(connection) as queries, round_trips() as sent:
        again = client.get("/")
    assert "analytics/_home_dashboard.html" not in [t.name for t in again.templates]
    assert b"First site" in again.content
    assert len(queries) == 0 and len(sent) <= 3
    # The layout's two dozen links come from ``nav`` (resolved once per process): only the page's own.
    assert reverses == ["analytics:dashboard"], reverses
    services.create_bookmark(user, url="https://example.com/b", title="Second site")
    assert b"Second site" in client.get("/").content


def test_the_layout_links_are_the_resolved_urls(private_redis_roles: RedisProcess) -> None:
    page = signed_in(make_user()).get(reverse("content:tag_list")).content.decode()
    for name in ("content:bookmark_list", "messaging:inbox", "accounts:profile", "account_logout"):
        assert f'"{reverse(name)}"' in page
    assert json.dumps(reverse("messaging:counts")) in page


@pytest.mark.parametrize(
    "name,args",
    [
        ("content:bookmark_detail", [1]),
        ("content:bookmark_detail", [10**18 - 1]),
        ("content:bookmark_toggle", [42, "read"]),
        ("content:bookmark_toggle", [42, "favorite"]),
        ("content:task_detail", [7]),
        ("messaging:conversation", [3]),
        ("content:bookmark_detail", ["12"]),  # not an int: reversed as given
    ],
)
def test_id_url_gives_what_reverse_gives(name: str, args: list[Any]) -> None:
    assert id_url(name, *args) == reverse(name, args=args)


def test_id_url_follows_the_script_prefix_and_refuses_what_reverse_refuses() -> None:
    set_script_prefix("/sub/")
    try:
        assert id_url("content:bookmark_detail", 5) == "/sub/content/bookmarks/5/"
    finally:
        set_script_prefix("/")
    assert id_url("content:bookmark_detail", 5) == reverse("content:bookmark_detail", args=[5])
    with pytest.raises(NoReverseMatch):
        id_url("content:bookmark_detail", 10**18)  # beyond the dbid converter, as {% url %} says
    with pytest.raises(NoReverseMatch):
        id_url("content:bookmark_detail", -1)


def test_a_list_page_resolves_no_url_per_row(private_redis_roles: RedisProcess, reverses: list[str]) -> None:
    def resolved(rows: int) -> int:
        user = make_user()
        for i in range(rows):
            services.create_bookmark(user, url=f"https://example.com/{i}", title=f"Site {i}", tags=["a", "b"])
        client = signed_in(user)
        client.get(reverse("content:bookmark_list"))
        reverses.clear()
        assert client.get(reverse("content:bookmark_list")).status_code == 200
        return len(reverses)

    assert resolved(1) == resolved(6)


def test_list_rows_are_rendered_once_and_their_forms_post_with_this_clients_token(
    private_redis_roles: RedisProcess,
) -> None:
    user = make_user()
    bookmark = services.create_bookmark(user, url="https://example.com/a", title="First site")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    url = reverse("content:bookmark_list")
    assert "content/bookmarks/_row.html" in [t.name for t in client.get(url).templates]
    again = client.get(url)
    assert "content/bookmarks/_row.html" not in [t.name for t in again.templates]
    token = TOKEN.findall(again.content.decode())[-1]  # a row's toggle form
    toggle = reverse("content:bookmark_toggle", args=[bookmark.pk, "favorite"])
    assert client.post(toggle, {"csrfmiddlewaretoken": token, "next": url}).status_code == 302
    assert (
        "☆" not in client.get(url).content.decode().split(f'id="bookmark-{bookmark.pk}"')[1].split("</li>")[0]
    )
