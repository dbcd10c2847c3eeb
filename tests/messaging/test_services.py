"""Conversation and message rules, unread counts in Redis, notifications and mentions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from core.redis import keys
from core.redis.client import get_client
from messaging import selectors, services, unread
from messaging.errors import MessagingError
from messaging.models import Conversation, Membership, Message, Notification
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_new_users_join_general_and_get_notes_to_self(alice: Any, bob: Any) -> None:
    general = Conversation.objects.get(key=services.GENERAL_KEY)
    assert general.kind == Conversation.Kind.CHANNEL
    assert set(general.memberships.values_list("user__username", flat=True)) == {"alice", "bob"}
    notes = Conversation.objects.get(key=f"self:{alice.pk}")
    assert list(notes.memberships.values_list("user_id", "role")) == [(alice.pk, Membership.Role.OWNER)]
    assert services.notes_to_self(alice) == notes


def test_direct_conversation_is_unique_per_pair(alice: Any, bob: Any) -> None:
    first = services.start_direct(alice, bob)
    assert services.start_direct(bob, alice) == first
    assert first.kind == Conversation.Kind.DIRECT
    assert set(first.memberships.values_list("user_id", flat=True)) == {alice.pk, bob.pk}
    assert services.start_direct(alice, alice).kind == Conversation.Kind.SELF


def test_group_roles_add_remove_and_owner_succession(alice: Any, bob: Any, carol: Any) -> None:
    group = services.create_group(alice, "  Project   X ", [bob])
    assert group.name == "Project X"
    with pytest.raises(PermissionDenied):
        services.add_member(bob, group.pk, carol)
    assert services.add_member(alice, group.pk, carol) is True
    assert services.add_member(alice, group.pk, carol) is False
    services.set_role(alice, group.pk, bob.pk, Membership.Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.remove_member(bob, group.pk, alice.pk)  # an admin cannot remove the owner
    services.remove_member(bob, group.pk, carol.pk)
    with pytest.raises(Http404):
        selectors.membership_or_404(carol.pk, group.pk)
    with pytest.raises(MessagingError):
        services.set_role(alice, group.pk, alice.pk, Membership.Role.MEMBER)  # the last owner
    services.remove_member(alice, group.pk, alice.pk)  # the owner leaves: the admin takes over
    assert Membership.objects.get(conversation=group, user=bob).role == Membership.Role.OWNER


def test_only_managers_archive_groups_and_archived_conversations_are_read_only(alice: Any, bob: Any) -> None:
    group = services.create_group(alice, "Team", [bob])
    with pytest.raises(PermissionDenied):
        services.set_archived(bob, group.pk, True)
    services.set_archived(alice, group.pk, True)
    with pytest.raises(MessagingError, match="archived"):
        services.send_message(bob, group.pk, "hello?")
    services.set_archived(alice, group.pk, False)
    assert services.send_message(bob, group.pk, "hello!").body == "hello!"
    with pytest.raises(PermissionDenied):
        services.set_archived(alice, services.general_channel().pk, True)


def test_send_edit_delete_reply(direct: Any, alice: Any, bob: Any) -> None:
    first = services.send_message(alice, direct.pk, "Hello Bob\r\n  ")
    assert first.body == "Hello Bob"
    reply = services.send_message(bob, direct.pk, "Hi!", reply_to_id=first.pk)
    assert reply.reply_to_id == first.pk
    with pytest.raises(PermissionDenied):
        services.edit_message(bob, first.pk, "not mine")
    edited = services.edit_message(alice, first.pk, "Hello, Bob")
    assert (edited.body, edited.edited_at is not None) == ("Hello, Bob", True)
    with pytest.raises(PermissionDenied):
        services.delete_message(bob, first.pk)
    services.delete_message(alice, first.pk)
    first.refresh_from_db()
    assert first.is_deleted and first.body == "Hello, Bob"  # soft: the row stays
    with pytest.raises(MessagingError):
        services.edit_message(alice, first.pk, "too late")
    other = services.start_direct(alice, make_user())
    with pytest.raises(MessagingError, match="not in this conversation"):
        services.send_message(alice, other.pk, "x", reply_to_id=reply.pk)


def test_non_members_cannot_send_or_read(direct: Any, carol: Any) -> None:
    with pytest.raises(Http404):
        services.send_message(carol, direct.pk, "let me in")
    message = services.send_message(direct.memberships.first().user, direct.pk, "private")
    with pytest.raises(Http404):
        services.add_reaction(carol, message.pk, "👍")
    with pytest.raises(Http404):
        services.mark_read(carol, direct.pk)


def test_message_length_is_capped_by_setting(direct: Any, alice: Any, settings: Any) -> None:
    settings.MESSAGE_MAX_LENGTH = 10
    assert services.send_message(alice, direct.pk, "x" * 10).body == "x" * 10
    with pytest.raises(MessagingError, match="at most 10"):
        services.send_message(alice, direct.pk, "x" * 11)
    with pytest.raises(MessagingError):
        services.send_message(alice, direct.pk, "   \n ")
    with pytest.raises(MessagingError):
        services.send_message(alice, direct.pk, ["not", "text"])


@pytest.mark.parametrize("emoji", ["👍", "❤️", "👍🏽", "👩‍💻"])
def test_reactions_accept_emoji(direct: Any, alice: Any, bob: Any, emoji: str) -> None:
    message = services.send_message(alice, direct.pk, "react to me")
    assert services.add_reaction(bob, message.pk, emoji) is True
    assert services.add_reaction(bob, message.pk, emoji) is False
    assert services.remove_reaction(bob, message.pk, emoji) is True
    assert services.remove_reaction(bob, message.pk, emoji) is False


@pytest.mark.parametrize("bad", ["", "a", ":)", "👍 ", "<b>", "x" * 40, 5, None])
def test_reactions_refuse_non_emoji(direct: Any, alice: Any, bad: Any) -> None:
    message = services.send_message(alice, direct.pk, "react to me")
    with pytest.raises(MessagingError):
        services.add_reaction(alice, message.pk, bad)


def test_unread_counts_live_in_redis_and_follow_read_markers(
    direct: Any, alice: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert unread.get(bob.pk).total == 0  # builds the hash
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(alice, direct.pk, "one")
        second = services.send_message(alice, direct.pk, "two")
        services.send_message(alice, direct.pk, "three")
    raw = get_client("state").hgetall(keys.unread_counts(bob.pk))
    assert raw[str(direct.pk).encode()] == b"3"
    assert raw[b"n"] == b"1"  # the three messages collapse into one notification
    assert unread.get(alice.pk).for_conversation(direct.pk) == 0  # your own messages are read
    with django_capture_on_commit_callbacks(execute=True):
        assert services.mark_read(bob, direct.pk, second.pk) == 1
    assert unread.get(bob.pk).for_conversation(direct.pk) == 1
    assert unread.get(bob.pk).notifications == 1  # it points at "three", still unread
    with django_capture_on_commit_callbacks(execute=True):
        assert services.mark_read(bob, direct.pk) == 0
    assert (unread.get(bob.pk).total, unread.get(bob.pk).notifications) == (0, 0)


def test_unread_counts_are_rebuilt_from_the_database_when_missing(
    direct: Any, alice: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(alice, direct.pk, "one")
        services.send_message(alice, direct.pk, "two")
    client = get_client("state")
    client.delete(keys.unread_counts(bob.pk))
    client.hincrby(keys.unread_counts(bob.pk), str(direct.pk), 1)  # a racing increment, no marker
    with CaptureQueriesContext(connection) as queries:
        counts = unread.get(bob.pk)
    assert (counts.for_conversation(direct.pk), counts.notifications) == (2, 1)
    assert len(queries) == 2
    with CaptureQueriesContext(connection) as queries:
        assert unread.get(bob.pk).for_conversation(direct.pk) == 2
    assert len(queries) == 0
    assert client.ttl(keys.unread_counts(bob.pk)) > 0


def test_mentions_notify_members_only(
    alice: Any, bob: Any, carol: Any, django_capture_on_commit_callbacks: Any
) -> None:
    general = services.general_channel()
    outsider_group = services.create_group(alice, "Pair", [bob])
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(alice, general.pk, "Hi @Bob and @carol. Also @nobody and me@example.com")
        services.send_message(alice, outsider_group.pk, "@carol is not here")
    mentions = Notification.objects.filter(kind=Notification.Kind.MENTION).order_by("user__username")
    assert [(n.user.username, n.text) for n in mentions] == [
        ("bob", "alice mentioned you in #general"),
        ("carol", "alice mentioned you in #general"),
    ]
    # a channel message notifies nobody who was not mentioned; a group message notifies its members
    assert Notification.objects.filter(kind=Notification.Kind.MESSAGE).count() == 1
    assert unread.get(carol.pk).notifications == 1


def test_sending_costs_the_same_queries_whatever_the_group_size(alice: Any) -> None:
    small = services.create_group(alice, "Small", [make_user() for _ in range(2)])
    large = services.create_group(alice, "Large", [make_user() for _ in range(12)])
    services.send_message(alice, small.pk, "warm up")
    services.send_message(alice, large.pk, "warm up")
    counts = []
    for group in (small, large):
        with CaptureQueriesContext(connection) as queries:
            services.send_message(alice, group.pk, "hello @user1")
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_search_finds_text_in_one_conversation_only(direct: Any, alice: Any, bob: Any) -> None:
    services.send_message(alice, direct.pk, "The Quarterly report is ready")
    hidden = services.send_message(alice, direct.pk, "quarterly numbers (deleted)")
    services.delete_message(alice, hidden.pk)
    services.send_message(alice, services.general_channel().pk, "quarterly in general")
    found = selectors.search(direct.pk, "QUARTERLY")
    assert [m.body for m in found] == ["The Quarterly report is ready"]


def test_history_pages_by_id_cursor(direct: Any, alice: Any) -> None:
    ids = [services.send_message(alice, direct.pk, f"m{i}").pk for i in range(7)]
    newest = selectors.history(direct.pk, limit=3)
    assert [m.pk for m in newest.messages] == ids[-3:] and newest.has_more
    older = selectors.history(direct.pk, before=newest.first_id, limit=3)
    assert [m.pk for m in older.messages] == ids[1:4] and older.has_more
    oldest = selectors.history(direct.pk, before=older.first_id, limit=3)
    assert [m.pk for m in oldest.messages] == ids[:1] and not oldest.has_more
    assert [m.pk for m in selectors.after(direct.pk, ids[4]).messages] == ids[5:]


def test_notifications_mark_read_updates_the_bell(
    direct: Any, alice: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(alice, direct.pk, "hey @bob")
        services.notify(bob.pk, Notification.Kind.FOLLOW, "carol followed you")
    assert unread.get(bob.pk).notifications == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert services.mark_notifications_read(bob) == 2
    assert unread.get(bob.pk).notifications == 0
    assert Message.objects.filter(conversation=direct).count() == 1


def test_writing_in_a_conversation_marks_it_read_for_the_writer(
    direct: Any, alice: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(alice, direct.pk, "question?")
        services.send_message(alice, direct.pk, "hello?")
    assert (unread.get(bob.pk).for_conversation(direct.pk), unread.get(bob.pk).notifications) == (2, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(bob, direct.pk, "answer")
    assert (unread.get(bob.pk).for_conversation(direct.pk), unread.get(bob.pk).notifications) == (0, 0)
    assert unread.from_database(bob.pk).total == 0
