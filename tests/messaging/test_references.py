"""Messages that reference the sender's bookmarks, tasks and notes, through ``content.selectors.card_for``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from content import services as content
from messaging import references, services
from messaging.errors import MessagingError

pytestmark = pytest.mark.django_db


def test_references_parse_and_refuse_junk() -> None:
    assert references.parse("note:3, bookmark:12 note:3") == [("note", 3), ("bookmark", 12)]
    for junk in ("folder:1", "note:", "note:-1", "note:abc", "note:0"):
        with pytest.raises(MessagingError):
            references.parse(junk)
    with pytest.raises(MessagingError, match="at most 5"):
        references.parse(" ".join(f"task:{i}" for i in range(1, 7)))


def test_a_sender_can_only_reference_items_they_can_see(alice: Any, bob: Any, direct: Any) -> None:
    note = content.create_note(alice, title="Alice's plan", content="step 1")
    with pytest.raises(MessagingError, match=f"no note with id {note.pk}"):
        services.send_message(bob, direct.pk, "look at this", refs=[("note", note.pk)])
    message = services.send_message(alice, direct.pk, "look at this", refs=[("note", note.pk)])
    assert list(message.references.values_list("kind", "object_id")) == [("note", note.pk)]


def test_cards_are_shown_only_to_readers_who_may_see_the_item(
    alice: Any, bob: Any, direct: Any, signed_in: Client
) -> None:
    bookmark = content.create_bookmark(alice, url="https://example.com/spec", title="The spec")
    signed_in.post(
        reverse("messaging:send", args=[direct.pk]), {"body": "read this", "refs": f"bookmark:{bookmark.pk}"}
    )
    alice_page = signed_in.get(reverse("messaging:conversation", args=[direct.pk])).content.decode()
    assert "The spec" in alice_page and 'class="card tk-card"' in alice_page
    as_bob = Client()
    as_bob.force_login(bob)
    bob_page = as_bob.get(reverse("messaging:conversation", args=[direct.pk])).content.decode()
    assert "read this" in bob_page and "The spec" not in bob_page and "tk-card" not in bob_page
    backfill = as_bob.get(reverse("messaging:messages", args=[direct.pk]) + "?after=0").json()
    (message,) = backfill["messages"]
    assert message["references"] == [{"kind": "bookmark", "id": bookmark.pk}]
    assert message["cards"] == []
    mine = signed_in.get(reverse("messaging:messages", args=[direct.pk]) + "?after=0").json()
    assert [c["title"] for c in mine["messages"][0]["cards"]] == ["The spec"]
