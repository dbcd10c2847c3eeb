"""Notes' Markdown (issue 15 item 7): nested lists with 2 or 4 spaces, tickable task lists, bare
links, server-side highlighting, a plain-text preview in the list, and a live preview while editing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from content import services
from content.models import Note
from content.rendering import render_markdown, set_task
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("indent", ["  ", "    "])
def test_nested_lists_nest_with_two_or_four_spaces(indent: str) -> None:
    html = render_markdown(f"- fruit\n{indent}- apple\n{indent}{indent}- green\n- bread")
    assert re.sub(r"\s", "", html) == (
        "<ul><li>fruit<ul><li>apple<ul><li>green</li></ul></li></ul></li><li>bread</li></ul>"
    )


def test_task_lists_render_as_numbered_checkboxes() -> None:
    html = render_markdown("- [ ] milk\n- [x] bread\n  - [ ] rye\n\n```\n- [ ] not a task\n```")
    boxes = re.findall(r"<input[^>]*>", html)
    assert len(boxes) == 3
    assert [re.search(r'data-task="\d"', box).group(0) for box in boxes] == [
        'data-task="0"',
        'data-task="1"',
        'data-task="2"',
    ]
    assert "checked" in boxes[1] and "checked" not in boxes[0]
    assert "[ ]" not in html.split("<pre")[0]  # the markers became boxes outside the code block


def test_raw_html_cannot_forge_a_checkbox() -> None:
    html = render_markdown('<input type="text" data-task="0" onclick="x()"> - [ ] real')
    assert "onclick" not in html and 'type="text"' not in html


def test_set_task_flips_exactly_that_item_in_the_source() -> None:
    source = "Shopping\n\n- [ ] milk\n- [x] bread\n  - [ ] rye\n> - [ ] quoted\n\n```\n- [ ] code\n```\n"
    assert set_task(source, 2, True) == source.replace("- [ ] rye", "- [x] rye")
    assert set_task(source, 1, False) == source.replace("- [x] bread", "- [ ] bread")
    assert set_task(source, 3, True) == source.replace("> - [ ] quoted", "> - [x] quoted")
    assert set_task(source, 0, False) == source  # already so: nothing changes
    assert set_task(source, 4, True) is None  # no such task (the one in code is no task)


def test_bare_links_and_highlighted_code() -> None:
    html = render_markdown("See https://example.com/a?b=1 now.\n\n```python\ndef f():\n    return 1\n```")
    assert '<a href="https://example.com/a?b=1" rel="noopener noreferrer nofollow">' in html
    assert '<span class="k">def</span>' in html and '<span class="nf">f</span>' in html
    assert finders.find("vendor/pygments.css") is not None


def test_ticking_a_box_over_htmx_updates_the_note(client_of: Client, owner: Any, stranger: Any) -> None:
    note = services.create_note(owner, title="List", content="- [ ] milk\n- [ ] bread")
    url = reverse("content:note_task", args=[note.pk])
    response = client_of.post(url, {"index": "1", "done": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert re.search(r'<input[^>]*data-task="1"[^>]*checked', response.content.decode())
    note.refresh_from_db()
    assert note.content == "- [ ] milk\n- [x] bread"
    assert client_of.post(url, {"index": "7", "done": "1"}).status_code == 400
    assert client_of.post(url, {"index": "x", "done": "1"}).status_code == 400
    assert signed_in(stranger).post(url, {"index": "0", "done": "1"}).status_code == 404
    detail = client_of.get(reverse("content:note_detail", args=[note.pk])).content.decode()
    assert f'data-task-url="{url}"' in detail


def test_note_list_shows_plain_text_not_markdown(client_of: Client, owner: Any) -> None:
    services.create_note(
        owner, title="Styled", content="# Heading\n\n**Bold** and [a link](https://x.example)"
    )
    row = client_of.get(reverse("content:note_list")).content.decode()
    assert "Heading Bold and a link" in row
    assert "**" not in row and "# Heading" not in row and "](https" not in row


def test_live_preview_renders_what_is_typed(client_of: Client) -> None:
    response = client_of.post(
        reverse("content:note_preview"), {"content": "**hi** <script>x()</script>"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "<strong>hi</strong>" in response.content.decode() and "<script" not in response.content.decode()
    form = client_of.get(reverse("content:note_create")).content.decode()
    assert 'hx-post="' + reverse("content:note_preview") in form


def test_existing_notes_keep_a_summary(owner: Any) -> None:
    note = services.create_note(owner, title="S", content="Line *one*\n\nLine two")
    assert Note.objects.get(pk=note.pk).summary == "Line one Line two"
