"""What the endpoints do: filters, cursor pages, "save this URL", the same services (events, cache
generations, search index) as the pages, upload checks, and clear errors for bad input."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from content import services
from content.events import content_changed
from content.models import Bookmark, StoredFile, Tag, Task
from core.redis import families
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def events() -> Iterator[list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []

    def record(sender: Any, *, user_id: int, changes: Any, **kwargs: Any) -> None:
        seen.extend(
            {"user_id": user_id, "kind": c.kind, "ids": list(c.ids), "action": c.action} for c in changes
        )

    content_changed.connect(record, dispatch_uid="tests.api.events")
    yield seen
    content_changed.disconnect(dispatch_uid="tests.api.events")


def generations(user_id: int) -> dict[str, int]:
    return {name: families.get(name).generation(user_id) for name in ("search", "dashboard")}


# --- bookmarks -----------------------------------------------------------------------------------


def test_lists_filter_by_tag_read_favourite_and_address(owner: Any, api: ApiClient) -> None:
    services.create_bookmark(owner, url="https://a.example/", title="A", tags=["Reading"], is_read=True)
    services.create_bookmark(owner, url="https://b.example/x?y=1", title="B", is_favorite=True)
    services.create_bookmark(owner, url="https://c.example/", title="C", tags=["reading"])

    def titles(**query: Any) -> list[str]:
        response = api.get("/api/v1/bookmarks", query)
        assert response.status_code == 200, response.content
        return [item["title"] for item in response.json()["items"]]

    assert titles() == ["C", "B", "A"]
    assert titles(tag="READING") == ["C", "A"]
    assert titles(tag="nothing-like-it") == []
    assert titles(read="true") == ["A"]
    assert titles(favorite="true") == ["B"]
    assert titles(url="HTTPS://B.EXAMPLE:443/x?y=1#top") == ["B"]
    assert titles(url="https://b.example/x?y=2") == []


def test_cursor_pages_walk_every_item_once_in_order(owner: Any, api: ApiClient) -> None:
    for n in range(7):
        services.create_bookmark(owner, url=f"https://example.com/{n}", title=f"B{n}")
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = api.get("/api/v1/bookmarks", query).json()
        seen += [item["title"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"B{n}" for n in reversed(range(7))]
    assert pages == 3


def test_an_item_added_between_pages_neither_repeats_nor_hides_others(owner: Any, api: ApiClient) -> None:
    for n in range(4):
        services.create_bookmark(owner, url=f"https://example.com/{n}", title=f"B{n}")
    first = api.get("/api/v1/bookmarks", {"limit": 2}).json()
    services.create_bookmark(owner, url="https://example.com/new", title="New")
    second = api.get("/api/v1/bookmarks", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [i["title"] for i in first["items"] + second["items"]] == ["B3", "B2", "B1", "B0"]


@pytest.mark.parametrize(
    "cursor",
    [
        "nope",
        base64.urlsafe_b64encode(b'["x", 1]').decode(),
        base64.urlsafe_b64encode(b"[1]").decode(),
        "%00",
    ],
)
def test_bad_cursors_are_a_400(owner: Any, api: ApiClient, cursor: str) -> None:
    response = api.get("/api/v1/bookmarks", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_save_url_is_idempotent_by_address_and_adds_new_tags(owner: Any, api: ApiClient) -> None:
    first = api.send(
        "post", "/api/v1/bookmarks/save", {"url": "https://Example.com/page#intro", "tags": ["a"]}
    )
    assert first.status_code == 201 and first.json()["created"] is True
    again = api.send("post", "/api/v1/bookmarks/save", {"url": "https://example.com:443/page", "tags": ["a"]})
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["bookmark"]["id"] == first.json()["bookmark"]["id"]
    more = api.send("post", "/api/v1/bookmarks/save", {"url": "https://example.com/page", "tags": ["b"]})
    assert more.json()["bookmark"]["tags"] == ["a", "b"]
    assert Bookmark.objects.filter(owner=owner).count() == 1


def test_save_url_finds_bookmarks_made_on_the_pages_and_by_imports(owner: Any, api: ApiClient) -> None:
    made = services.create_bookmark(owner, url="https://example.com/", title="From the form")
    response = api.send("post", "/api/v1/bookmarks/save", {"url": "HTTPS://EXAMPLE.COM"})
    assert response.json() == {**response.json(), "created": False}
    assert response.json()["bookmark"]["id"] == made.pk


def test_api_writes_announce_and_invalidate_exactly_like_the_pages(
    owner: Any, api: ApiClient, events: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    before = generations(owner.pk)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.send(
            "post", "/api/v1/bookmarks", {"url": "https://example.com/", "tags": ["x", "y"]}
        ).json()
    assert events == [{"user_id": owner.pk, "kind": "bookmark", "ids": [created["id"]], "action": "created"}]
    after = generations(owner.pk)
    assert all(after[family] == before[family] + 1 for family in before)
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        api.send("patch", f"/api/v1/bookmarks/{created['id']}", {"is_favorite": True})
        api.send("delete", f"/api/v1/bookmarks/{created['id']}")
    assert [event["action"] for event in events] == ["updated", "deleted"]


def test_what_the_api_saves_is_found_by_search(
    owner: Any, api: ApiClient, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        api.send("post", "/api/v1/bookmarks/save", {"url": "https://example.com/", "title": "Quokka habits"})
        api.send("post", "/api/v1/notes", {"title": "Quokka diary", "content": "Seen one today"})
    found = api.get("/api/v1/search", {"q": "quokka"}).json()
    assert sorted(hit["kind"] for hit in found["hits"]) == ["bookmark", "note"]
    assert "<mark>Quokka</mark>" in found["hits"][0]["title_html"]


def test_search_shows_only_the_kinds_the_token_may_read(
    owner: Any, api_of: Callable[..., ApiClient], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.create_bookmark(owner, url="https://example.com/", title="Secret plan")
        services.create_note(owner, title="Secret plan", content="private")
    found = api_of(owner, "bookmarks:read").get("/api/v1/search", {"q": "secret"}).json()
    assert [hit["kind"] for hit in found["hits"]] == ["bookmark"]
    assert found["counts"] == {"bookmark": 1} and found["total"] == 1
    asked_for_notes = api_of(owner, "bookmarks:read").get("/api/v1/search", {"q": "secret", "kind": "note"})
    assert asked_for_notes.status_code == 403


# --- tasks, notes, tags --------------------------------------------------------------------------


def test_subtasks_refuse_loops_and_other_users_parents(owner: Any, stranger: Any, api: ApiClient) -> None:
    parent = api.send("post", "/api/v1/tasks", {"title": "Parent"}).json()
    child = api.send("post", "/api/v1/tasks", {"title": "Child", "parent_id": parent["id"]}).json()
    assert child["parent_id"] == parent["id"]
    loop = api.send("patch", f"/api/v1/tasks/{parent['id']}", {"parent_id": child["id"]})
    assert loop.status_code == 422 and "parent_id" in loop.json()["error"]["fields"]
    theirs = services.create_task(stranger, title="Theirs")
    foreign = api.send("post", "/api/v1/tasks", {"title": "Sneaky", "parent_id": theirs.pk})
    assert foreign.json()["error"]["fields"] == {"parent_id": ["No such task."]}
    cleared = api.send("patch", f"/api/v1/tasks/{child['id']}", {"parent_id": None})
    assert cleared.json()["parent_id"] is None


def test_completing_a_task_goes_through_the_service(api: ApiClient) -> None:
    task = api.send("post", "/api/v1/tasks", {"title": "Ship it"}).json()
    done = api.send("patch", f"/api/v1/tasks/{task['id']}", {"status": "completed"}).json()
    assert done["progress"] == 100 and done["completed_at"] is not None
    assert Task.objects.get(pk=task["id"]).completed_at is not None


def test_note_markdown_is_sanitised_like_the_form(api: ApiClient) -> None:
    note = api.send(
        "post", "/api/v1/notes", {"title": "x", "content": "<script>alert(1)</script>\n\n**b**"}
    ).json()
    assert "<script>" not in note["content_html"] and "<strong>b</strong>" in note["content_html"]


def test_tag_names_are_unique_per_user_in_any_case(owner: Any, api: ApiClient) -> None:
    assert api.send("post", "/api/v1/tags", {"name": "Reading"}).status_code == 201
    taken = api.send("post", "/api/v1/tags", {"name": "reading"})
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "conflict"
    other = api.send("post", "/api/v1/tags", {"name": "Other"}).json()
    clash = api.send("patch", f"/api/v1/tags/{other['id']}", {"name": "READING"})
    assert clash.status_code == 409
    assert sorted(Tag.objects.filter(owner=owner).values_list("name", flat=True)) == ["Other", "Reading"]


def test_tag_lists_match_part_of_the_name_for_autocompletion(owner: Any, api: ApiClient) -> None:
    for name in ("Dev/Python", "python-tips", "Reading"):
        services.create_tag(owner, name=name)
    names = [tag["name"] for tag in api.get("/api/v1/tags", {"q": "PYTH"}).json()["items"]]
    assert names == ["Dev/Python", "python-tips"]


# --- files ---------------------------------------------------------------------------------------


def test_uploads_pass_the_same_checks_as_the_upload_page(owner: Any, api: ApiClient, settings: Any) -> None:
    fake_png = SimpleUploadedFile("cat.png", b"<html><script>x</script></html>", content_type="image/png")
    refused = api.post("/api/v1/files", {"file": fake_png})
    assert refused.status_code == 422 and "png" in refused.json()["error"]["fields"]["file"][0]
    empty = api.post("/api/v1/files", {"file": SimpleUploadedFile("e.txt", b"")})
    assert empty.status_code == 422
    settings.CONTENT_UPLOAD_MAX_BYTES = 1000
    large = api.post("/api/v1/files", {"file": SimpleUploadedFile("big.bin", b"x" * 5000)})
    assert large.status_code == 413 and large.json()["error"]["code"] == "too_large"
    assert not StoredFile.objects.exists()
    assert (
        not list((settings.MEDIA_ROOT / "uploads").rglob("*"))
        if (settings.MEDIA_ROOT / "uploads").exists()
        else True
    )


def test_downloads_keep_the_pages_serving_rules(owner: Any, api: ApiClient) -> None:
    page = SimpleUploadedFile("page.html", b"<html><script>alert(1)</script></html>")
    stored = api.post("/api/v1/files", {"file": page}).json()
    response = api.get(f"/api/v1/files/{stored['id']}/download")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")


def test_renaming_to_a_lying_extension_is_refused(api: ApiClient) -> None:
    stored = api.post("/api/v1/files", {"file": SimpleUploadedFile("a.txt", b"words")}).json()
    response = api.send("patch", f"/api/v1/files/{stored['id']}", {"name": "a.pdf"})
    assert response.status_code == 422 and "name" in response.json()["error"]["fields"]


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "https://example.com/\x00"}, "url"),
        ({"url": "https://example.com/", "title": "a\x00b"}, "title"),
        ({"url": "https://example.com/", "title": "x" * 301}, "title"),
        ({"url": "https://example.com/", "tags": [f"t{n}" for n in range(31)]}, "tags"),
        ({"url": "https://example.com/", "is_read": "perhaps"}, "is_read"),
        ({"title": "no address"}, "url"),
    ],
)
def test_invalid_bodies_name_the_field(api: ApiClient, body: dict[str, Any], field: str) -> None:
    response = api.send("post", "/api/v1/bookmarks", body)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert not Bookmark.objects.exists()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/bookmarks/99999999999999999999", 422),
        ("/api/v1/bookmarks/0", 422),
        ("/api/v1/tasks?due=x&status=maybe", 422),
        ("/api/v1/bookmarks?updated_since=0001-01-01T00:00:00%2B14:00", 422),
        ("/api/v1/bookmarks?tag=%00", 422),
        ("/api/v1/bookmarks?limit=100000", 422),
        ("/api/v1/no-such-thing", 404),
    ],
)
def test_bad_parameters_are_client_errors_with_the_error_body(api: ApiClient, path: str, status: int) -> None:
    response = api.get(path)
    assert response.status_code == status
    assert response.json()["error"]["code"]


def test_malformed_json_and_wrong_methods_get_the_error_body(api: ApiClient) -> None:
    broken = api.post("/api/v1/bookmarks", "{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "bad_request"
    wrong = api.put("/api/v1/bookmarks")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"
    astray = Client(enforce_csrf_checks=True).post("/api/v2/bookmarks", {})
    assert astray.status_code == 404 and astray.json()["error"]["code"] == "not_found"


def limit_everything_to(settings: Any, limit: int) -> None:
    settings.RATE_LIMIT_POLICIES = [
        {"name": "general", "limit": limit, "window": 60, "algorithm": "sliding_window", "fallback": True}
    ]
    settings.RATE_LIMIT_POLICY_OVERRIDES = {}


def test_the_rate_limit_answer_has_the_api_error_body(
    owner: Any, token_for: Callable[..., str], settings: Any
) -> None:
    limit_everything_to(settings, 2)
    limited = ApiClient(token_for(owner))
    statuses = [limited.get("/api/v1/token").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    body = limited.get("/api/v1/token").json()["error"]
    assert body["code"] == "rate_limited" and body["policy"] == "general" and body["retry_after"] > 0


def test_a_token_spends_its_users_budget_shared_with_the_browser_session(
    owner: Any, client_of: Client, token_for: Callable[..., str], settings: Any
) -> None:
    limit_everything_to(settings, 4)
    browser, script = Client(), ApiClient(token_for(owner))
    browser.cookies = client_of.cookies
    statuses = [
        browser.get("/no-such-page/").status_code,
        script.get("/api/v1/token").status_code,
        browser.get("/no-such-page/").status_code,
        script.get("/api/v1/token").status_code,
        script.get("/api/v1/token").status_code,
    ]
    assert statuses == [404, 200, 404, 200, 429]
    assert Client(REMOTE_ADDR="198.51.100.9").get("/api/v1/token").status_code == 401  # others: own budget
