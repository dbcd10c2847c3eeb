"""Every endpoint with and without its scope, without a token, and on another user's objects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from api import scopes
from content import services
from content.models import Bookmark, Note, StoredFile, Tag, Task
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {bookmark}, {task}, {note}, {file}, {tag}: ids of the target's own items
    scope: str | None
    ok: int
    body: Any = None

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def call(self, client: Client, ids: dict[str, int]) -> Any:
        path = "/api/v1" + self.path.format(**ids)
        if self.body == "upload":
            upload = SimpleUploadedFile("notes.txt", b"plain words\n", content_type="text/plain")
            return client.post(path, {"file": upload, "tags": "a, b"})
        if self.body is None:
            return getattr(client, self.method)(path)
        return getattr(client, self.method)(path, self.body, content_type="application/json")


ENDPOINTS = [
    Endpoint("get", "/bookmarks", "bookmarks:read", 200),
    Endpoint("post", "/bookmarks", "bookmarks:write", 201, {"url": "https://example.net/new", "tags": ["x"]}),
    Endpoint("post", "/bookmarks/save", "bookmarks:write", 201, {"url": "https://example.net/saved"}),
    Endpoint("get", "/bookmarks/{bookmark}", "bookmarks:read", 200),
    Endpoint("patch", "/bookmarks/{bookmark}", "bookmarks:write", 200, {"title": "Renamed", "is_read": True}),
    Endpoint("delete", "/bookmarks/{bookmark}", "bookmarks:write", 204),
    Endpoint("get", "/tasks", "tasks:read", 200),
    Endpoint("post", "/tasks", "tasks:write", 201, {"title": "New task", "priority": "high"}),
    Endpoint("get", "/tasks/{task}", "tasks:read", 200),
    Endpoint("patch", "/tasks/{task}", "tasks:write", 200, {"status": "completed"}),
    Endpoint("delete", "/tasks/{task}", "tasks:write", 204),
    Endpoint("get", "/notes", "notes:read", 200),
    Endpoint("post", "/notes", "notes:write", 201, {"title": "New note", "content": "*hi*"}),
    Endpoint("get", "/notes/{note}", "notes:read", 200),
    Endpoint("patch", "/notes/{note}", "notes:write", 200, {"is_pinned": True}),
    Endpoint("delete", "/notes/{note}", "notes:write", 204),
    Endpoint("get", "/files", "files:read", 200),
    Endpoint("post", "/files", "files:write", 201, "upload"),
    Endpoint("get", "/files/{file}", "files:read", 200),
    Endpoint("get", "/files/{file}/download", "files:read", 200),
    Endpoint("patch", "/files/{file}", "files:write", 200, {"description": "Described"}),
    Endpoint("delete", "/files/{file}", "files:write", 204),
    Endpoint("get", "/tags", "tags:read", 200),
    Endpoint("post", "/tags", "tags:write", 201, {"name": "fresh"}),
    Endpoint("get", "/tags/{tag}", "tags:read", 200),
    Endpoint("patch", "/tags/{tag}", "tags:write", 200, {"color": "#000000"}),
    Endpoint("delete", "/tags/{tag}", "tags:write", 204),
    Endpoint("get", "/search?q=kept", "bookmarks:read", 200),
    Endpoint("get", "/token", None, 200),
]
ITEM_ENDPOINTS = [endpoint for endpoint in ENDPOINTS if "{" in endpoint.path]
MODELS = {"bookmark": Bookmark, "task": Task, "note": Note, "file": StoredFile, "tag": Tag}


def one_of_each(user: Any) -> dict[str, int]:
    upload = SimpleUploadedFile("kept.txt", b"kept words\n", content_type="text/plain")
    return {
        "bookmark": services.create_bookmark(user, url="https://example.org/kept", title="Kept").pk,
        "task": services.create_task(user, title="Kept task").pk,
        "note": services.create_note(user, title="Kept note", content="kept").pk,
        "file": services.create_file(user, upload=upload).pk,
        "tag": services.create_tag(user, name="kept").pk,
    }


def snapshot(user: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the user's content, to show that a refused request changed nothing."""
    fields = {
        "bookmark": ("pk", "url", "title", "is_read"),
        "task": ("pk", "title", "status"),
        "note": ("pk", "title", "is_pinned"),
        "file": ("pk", "name", "description"),
        "tag": ("pk", "name", "color"),
    }
    return {
        kind: list(model.objects.filter(owner=user).order_by("pk").values_list(*fields[kind]))
        for kind, model in MODELS.items()
    }


def error_code(response: Any) -> str:
    body = response.json()
    assert set(body["error"]) >= {"code", "message", "fields"}
    return str(body["error"]["code"])


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.label)
def test_every_endpoint_works_with_just_its_scope(
    endpoint: Endpoint, owner: Any, api_of: Callable[..., ApiClient]
) -> None:
    ids = one_of_each(owner)
    client = api_of(owner, *([endpoint.scope] if endpoint.scope else ["tags:read"]))
    response = endpoint.call(client, ids)
    assert response.status_code == endpoint.ok, response.content


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.scope], ids=lambda e: e.label)
def test_every_endpoint_refuses_a_token_without_its_scope(
    endpoint: Endpoint, owner: Any, api_of: Callable[..., ApiClient]
) -> None:
    ids = one_of_each(owner)
    before = snapshot(owner)
    if endpoint.path.startswith("/search"):
        others = [name for name in scopes.ALL if not name.endswith(":read") or name.startswith("tags")]
    else:
        others = [name for name in scopes.ALL if name != endpoint.scope]
    response = endpoint.call(api_of(owner, *others), ids)
    assert response.status_code == 403
    assert error_code(response) == "insufficient_scope"
    assert snapshot(owner) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.label)
def test_every_endpoint_needs_a_token(endpoint: Endpoint, owner: Any, client_of: Client) -> None:
    ids = one_of_each(owner)
    before = snapshot(owner)
    for client in (Client(), client_of):  # a browser session is not an API credential
        response = endpoint.call(client, ids)
        assert response.status_code == 401
        assert error_code(response) == "not_authenticated"
    assert snapshot(owner) == before


@pytest.mark.parametrize("endpoint", ITEM_ENDPOINTS, ids=lambda e: e.label)
def test_other_users_objects_answer_404(
    endpoint: Endpoint, owner: Any, stranger: Any, api_of: Callable[..., ApiClient]
) -> None:
    theirs = one_of_each(stranger)
    before = snapshot(stranger)
    response = endpoint.call(api_of(owner), theirs)
    assert response.status_code == 404
    assert error_code(response) == "not_found"
    assert snapshot(stranger) == before


def test_the_endpoint_table_covers_the_whole_api() -> None:
    from api.v1.app import api

    documented = {
        (method.lower(), path.removeprefix("/api/v1"))
        for path, operations in api.get_openapi_schema()["paths"].items()
        for method in operations
    }
    placeholders = {kind: "{" + kind + "_id}" for kind in MODELS}
    tested = {(e.method, e.path.split("?")[0].format(**placeholders)) for e in ENDPOINTS}
    assert tested == documented
