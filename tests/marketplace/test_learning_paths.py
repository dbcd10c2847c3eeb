"""The learning-path item kind: publish one of your published paths, preview it, and "Add to my
Trackeep" copies it (modules, link cards, bookmark and note cards as the reader's own content) once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from content import services as content_services
from content.events import content_changed
from content.models import Bookmark, Note
from learning import services as learning
from learning.models import LearningPath, Resource
from marketplace import kinds, services
from tests.factories import make_user, signed_in

pytestmark = pytest.mark.django_db


def shared_path(author: Any, committed: Callable[[], Any]) -> LearningPath:
    """A published path: "Basics" (a link, a bookmark card, a note card) then "Practice" (a link)."""
    with committed():
        bookmark = content_services.create_bookmark(
            author, url="https://doc.rust-lang.org/book/", title="The Book", tags=["rust"], is_favorite=True
        )
        note = content_services.create_note(
            author, title="Cheat sheet", content="# Borrowing\n", is_pinned=True
        )
        path = learning.create_path(
            author, title="Rust in a month", description="From zero.", category="programming",
            difficulty="intermediate", estimated_minutes=600, tags="rust, systems", is_published=True,
        )  # fmt: skip
        basics = learning.add_module(path, title="Basics", description="Start here")
        learning.add_resource(
            basics, kind="link", title="Rustlings", url="https://github.com/rust-lang/rustlings"
        )
        learning.add_resource(basics, kind="bookmark", bookmark=bookmark)
        learning.add_resource(basics, kind="note", note=note)
        practice = learning.add_module(path, title="Practice")
        learning.add_resource(practice, kind="link", url="https://exercism.org/tracks/rust")
    return path


def test_only_the_authors_published_paths_can_be_shared(committed: Callable[[], Any]) -> None:
    author, other = make_user(), make_user()
    path = shared_path(author, committed)
    draft = learning.create_path(author, title="Draft", is_published=False)
    kind = kinds.get("learning_path")
    assert kind.sources(author.pk) == [(str(path.pk), "Rust in a month")]
    form = signed_in(author).get("/marketplace/publish/learning_path/").content.decode()
    assert "Rust in a month" in form and "Draft" not in form
    refused = signed_in(other).post(
        "/marketplace/publish/learning_path/",
        {"source": str(path.pk), "title": "Stolen", "category": "learning", "licence": "MIT", "version": "1"},
    )
    assert refused.status_code == 400
    for owner, source in ((author, str(draft.pk)), (other, str(path.pk)), (author, "x")):
        with pytest.raises(kinds.SourceError):
            services.publish(owner, "learning_path", source, title="Nope")
    empty = learning.create_path(author, title="Empty", is_published=True)
    with pytest.raises(kinds.SourceError, match="no modules"):
        services.publish(author, "learning_path", str(empty.pk), title="Empty")


def test_add_to_my_trackeep_copies_the_path_with_its_cards_exactly_once(committed: Callable[[], Any]) -> None:
    author, reader = make_user(), make_user()
    path = shared_path(author, committed)
    with committed():
        item = services.publish(author, "learning_path", str(path.pk), title="Rust in a month")
        mine = content_services.create_bookmark(reader, url="https://doc.rust-lang.org/book/", title="Mine")
    assert item.summary == "2 modules, 4 cards"
    events: list[dict[str, Any]] = []
    content_changed.connect(
        lambda sender, **kw: events.append(kw), dispatch_uid="test.market.path", weak=False
    )
    try:
        with committed():
            first = services.add_to_trackeep(reader, item)
        with committed():
            again = services.add_to_trackeep(reader, item)
    finally:
        content_changed.disconnect(dispatch_uid="test.market.path")

    assert first.first and first.installed.added == {"learning path": 1, "module": 2, "note": 1, "tag": 1}
    assert first.installed.skipped == 1  # the reader already had the book's URL
    assert not again.first and again.installed.total == 0
    assert len(events) == 1 and events[0]["user_id"] == reader.pk  # the restored note, once

    copy = LearningPath.objects.get(creator=reader)
    assert (copy.title, copy.category, copy.difficulty, copy.estimated_minutes, copy.tags) == (
        "Rust in a month", "programming", "intermediate", 600, "rust, systems"
    )  # fmt: skip
    assert not copy.is_published and copy.pk != path.pk  # the reader's own draft
    modules = list(copy.modules.all())
    assert [(m.title, m.description, m.position) for m in modules] == [
        ("Basics", "Start here", 0), ("Practice", "", 1)
    ]  # fmt: skip
    cards = list(Resource.objects.filter(module__path=copy).order_by("module__position", "position"))
    assert [c.kind for c in cards] == ["link", "bookmark", "note", "link"]
    assert cards[0].url == "https://github.com/rust-lang/rustlings" and cards[0].title == "Rustlings"
    assert cards[1].bookmark_id == mine.pk  # the reader's bookmark of that URL, not a duplicate
    note = Note.objects.get(owner=reader)
    assert cards[2].note_id == note.pk and (note.title, note.is_pinned) == ("Cheat sheet", False)
    assert Bookmark.objects.filter(owner=reader).count() == 1
    # The author's path and content are untouched.
    assert Resource.objects.filter(module__path=path).count() == 4
    assert Note.objects.filter(owner=author).count() == 1


def test_the_item_page_previews_modules_and_cards(committed: Callable[[], Any]) -> None:
    author = make_user()
    path = shared_path(author, committed)
    with committed():
        item = services.publish(author, "learning_path", str(path.pk), title="Rust in a month")
    page = signed_in(make_user()).get(f"/marketplace/i/{item.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    for text in ("Basics", "Practice", "Rustlings", "The Book", "Cheat sheet", "Intermediate", "Programming"):
        assert text in html
    assert 'href="https://exercism.org/tracks/rust"' in html


def test_a_hand_broken_payload_cannot_be_added_and_copies_nothing(committed: Callable[[], Any]) -> None:
    author, reader = make_user(), make_user()
    path = shared_path(author, committed)
    with committed():
        item = services.publish(author, "learning_path", str(path.pk), title="Rust")
    for payload in (
        {"path": {"title": ""}, "modules": []},
        {"path": "x", "modules": ["x", {"resources": "x"}], "content": []},
        {"path": {"title": "T"}, "modules": "x"},
    ):
        item.payload = payload
        item.save(update_fields=["payload"])
        assert signed_in(reader).get(f"/marketplace/i/{item.pk}/").status_code == 200
        with pytest.raises(services.MarketplaceError):
            services.add_to_trackeep(reader, item)
    assert not LearningPath.objects.filter(creator=reader).exists()
    item.refresh_from_db()
    assert item.download_count == 0
