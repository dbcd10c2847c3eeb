"""Notifications grouped per conversation, with the latest text and a count (issue 15 item 11), and
what the header needs to stay live on every page (issue 15 item 2)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from messaging import payloads, services
from messaging.models import Notification
from tests.factories import signed_in as client_for

pytestmark = pytest.mark.django_db


def entries(client: Client) -> list[str]:
    page = client.get(reverse("messaging:notifications")).content.decode()
    items = re.findall(r'<li class="card tk-notification[^"]*"[^>]*>(.*?)</li>', page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def test_one_entry_per_conversation_with_the_latest_text_and_a_count(
    direct: Any, alice: Any, bob: Any, carol: Any, django_capture_on_commit_callbacks: Any
) -> None:
    group = services.create_group(bob, "Team", [alice, carol])
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(bob, direct.pk, "first")
        services.mark_read(alice, direct.pk)  # read: the next message starts a new notification row
        services.send_message(bob, direct.pk, "second")
        services.send_message(bob, direct.pk, "third, the latest")
        services.send_message(carol, group.pk, "hi @alice")
        services.send_message(carol, group.pk, "and hello team")
        services.notify(alice.pk, Notification.Kind.FOLLOW, "dave followed you")
        services.notify(alice.pk, Notification.Kind.FOLLOW, "erin followed you")
    assert Notification.objects.filter(user=alice, conversation=direct).count() == 2
    shown = entries(client_for(alice))
    assert len(shown) == 4  # the DM, the group, two followers
    dm = next(e for e in shown if "bob sent you a message" in e)
    assert "third, the latest" in dm and "2 new" in dm and "first" not in dm
    team = next(e for e in shown if "Team" in e)
    assert "and hello team" in team and "2 new" in team  # a mention and a message of one group
    assert shown[0].startswith("erin followed you")  # newest first


def test_marking_a_conversation_read_clears_its_whole_entry(
    direct: Any, alice: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(bob, direct.pk, "one @alice")
        services.send_message(bob, direct.pk, "two")
        services.notify(alice.pk, Notification.Kind.FOLLOW, "dave followed you")
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("messaging:notifications_read"), {"conversation": direct.pk})
    unread = Notification.objects.filter(user=alice, read_at__isnull=True)
    assert [n.text for n in unread] == ["dave followed you"]  # only that conversation's entry
    assert client.get(reverse("messaging:counts")).json()["notifications"] == 1
    dm = next(e for e in entries(client) if "bob" in e)
    assert "new" not in dm


def test_live_notification_carries_the_message_text(direct: Any, bob: Any, alice: Any) -> None:
    services.send_message(bob, direct.pk, "look   at\nthis")
    notification = Notification.objects.get(user=alice)
    assert payloads.notification_payload(notification)["excerpt"] == "look at this"


def test_an_inbox_row_for_a_new_conversation(direct: Any, alice: Any, bob: Any, carol: Any) -> None:
    services.send_message(bob, direct.pk, "hello there")
    url = reverse("messaging:inbox_row", args=[direct.pk])
    row = client_for(alice).get(url).content.decode()
    assert row.lstrip().startswith("<li") and f'data-tk-row="{direct.pk}"' in row and "hello there" in row
    assert client_for(carol).get(url).status_code == 404
