"""Notes: Markdown rendered to sanitised HTML, CRUD, pinning over htmx, nesting, owner scoping."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content import services
from content.models import Note
from content.rendering import render_markdown

pytestmark = pytest.mark.django_db


def test_markdown_is_rendered_and_sanitised() -> None:
    html = render_markdown(
        "# Title\n\n**bold** [ok](https://example.com) [bad](javascript:alert(1))\n\n"
        "<script>alert(1)</script><img src=x onerror=alert(1)><iframe src=//evil></iframe>\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode <b>\n```\n"
    )
    assert "<h1>Title</h1>" in html and "<strong>bold</strong>" in html
    assert 'href="https://example.com"' in html and "noopener" in html
    assert 'href="javascript:' not in html
    assert "<script" not in html and "alert(1)</script" not in html
    assert "onerror" not in html and "<iframe" not in html
    assert "<table>" in html and "<td>1</td>" in html
    assert "code &lt;b&gt;" in html


def test_create_view_edit_delete(client_of: Client, owner: Any) -> None:
    response = client_of.post(
        reverse("content:note_create"),
        {"title": "Ideas", "content": "- one\n- **two**", "tag_names": "brain"},
    )
    note = Note.objects.get(owner=owner)
    assert response.status_code == 302
    assert response["Location"] == reverse("content:note_detail", args=[note.pk])
    page = client_of.get(reverse("content:note_detail", args=[note.pk]))
    assert b"<strong>two</strong>" in page.content

    client_of.post(
        reverse("content:note_edit", args=[note.pk]),
        {"title": "Ideas", "content": "<script>x()</script>plain", "is_pinned": "on"},
    )
    note.refresh_from_db()
    assert note.is_pinned and "<script" not in note.content_html and "plain" in note.content_html
    assert "x()" not in client_of.get(reverse("content:note_detail", args=[note.pk])).content.decode()

    client_of.post(reverse("content:note_delete", args=[note.pk]))
    assert not Note.objects.exists()


def test_pinned_notes_come_first_and_pin_toggles_inline(client_of: Client, owner: Any) -> None:
    first = services.create_note(owner, title="Old", content="a")
    services.create_note(owner, title="New", content="b")
    response = client_of.post(reverse("content:note_pin", args=[first.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"is-pinned" in response.content
    titles = [n.title for n in client_of.get(reverse("content:note_list")).context["page"]]
    assert titles == ["Old", "New"]


def test_nested_notes(client_of: Client, owner: Any, stranger: Any) -> None:
    parent = services.create_note(owner, title="Projects", content="")
    client_of.post(reverse("content:note_create"), {"title": "Trackeep", "content": "x", "parent": parent.pk})
    child = Note.objects.get(title="Trackeep")
    assert child.parent_id == parent.pk
    assert b"Trackeep" in client_of.get(reverse("content:note_detail", args=[parent.pk])).content
    loop = client_of.post(
        reverse("content:note_edit", args=[parent.pk]), {"title": "Projects", "parent": child.pk}
    )
    assert loop.status_code == 400
    foreign = services.create_note(stranger, title="Theirs", content="")
    refused = client_of.post(reverse("content:note_create"), {"title": "x", "parent": foreign.pk})
    assert refused.status_code == 400


def test_other_users_note_is_404(stranger_client: Client, owner: Any) -> None:
    note = services.create_note(owner, title="Secret", content="hidden text")
    for name in ("content:note_detail", "content:note_edit", "content:note_delete"):
        assert stranger_client.get(reverse(name, args=[note.pk])).status_code == 404
    assert stranger_client.post(reverse("content:note_pin", args=[note.pk])).status_code == 404
    assert b"Secret" not in stranger_client.get(reverse("content:note_list")).content


def test_note_list_queries_do_not_grow_with_rows(client_of: Client, owner: Any) -> None:
    parent = services.create_note(owner, title="Parent", content="p", tags=["a"])

    def count() -> int:
        client_of.get(reverse("content:note_list"))
        with CaptureQueriesContext(connection) as queries:
            client_of.get(reverse("content:note_list"))
        return len(queries)

    services.create_note(owner, title="c0", content="x" * 500, parent=parent, tags=["b"])
    few = count()
    for n in range(1, 15):
        services.create_note(owner, title=f"c{n}", content="x" * 500, parent=parent, tags=["b", f"t{n}"])
    assert count() == few
