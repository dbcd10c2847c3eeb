"""Messaging pages without JavaScript (forms and redirects) and their JSON answers."""

from __future__ import annotations

from typing import Any

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from messaging import services
from messaging.models import Conversation, Membership, Message, Notification, Reaction
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def url(name: str, *args: Any) -> str:
    return reverse(f"messaging:{name}", args=args)


def test_pages_need_a_login(direct: Any) -> None:
    response = Client().get(url("conversation", direct.pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_inbox_lists_conversations_with_last_message_and_unread_badge(
    signed_in: Client, direct: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(bob, direct.pk, "Lunch at noon?")
    page = signed_in.get(url("inbox")).content.decode()
    assert "bob" in page and "Lunch at noon?" in page and "#general" in page and "Notes to self" in page
    assert f'data-tk-row="{direct.pk}"' in page
    row = page.split(f'data-tk-row="{direct.pk}"')[1].split("</li>")[0]
    assert 'data-tk-unread aria-label="unread messages">1</span>' in row
    archived = signed_in.get(url("inbox") + "?archived=1&page=nope")
    assert archived.status_code == 200 and b"No archived conversations." in archived.content


def test_non_members_get_404_everywhere(direct: Any, alice: Any, carol: Any) -> None:
    message = services.send_message(alice, direct.pk, "secret")
    outsider = Client()
    outsider.force_login(carol)
    gets = [
        url("conversation", direct.pk),
        url("messages", direct.pk) + "?after=0",
        url("history", direct.pk),
        url("members", direct.pk),
        url("message", direct.pk, message.pk),
        url("edit", direct.pk, message.pk),
    ]
    posts = [
        url("send", direct.pk),
        url("delete", direct.pk, message.pk),
        url("react", direct.pk, message.pk),
        url("read", direct.pk),
        url("archive", direct.pk),
    ]
    assert {outsider.get(u).status_code for u in gets} == {404}
    assert {outsider.post(u, {"body": "x", "emoji": "👍"}).status_code for u in posts} == {404}
    assert b"secret" not in outsider.get(url("conversation", direct.pk)).content
    assert Message.objects.filter(conversation=direct).count() == 1


def test_plain_form_post_sends_and_the_body_is_escaped(signed_in: Client, direct: Any) -> None:
    response = signed_in.post(url("send", direct.pk), {"body": "<script>alert(1)</script> & hi"})
    message = Message.objects.get(conversation=direct)
    assert response.status_code == 302
    assert response["Location"] == url("conversation", direct.pk) + f"#m-{message.pk}"
    page = signed_in.get(url("conversation", direct.pk)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; hi" in page
    assert "<script>alert(1)" not in page


def test_send_errors_are_shown_not_500(signed_in: Client, direct: Any, settings: Any) -> None:
    settings.MESSAGE_MAX_LENGTH = 20
    page = signed_in.post(url("send", direct.pk), {"body": "x" * 21})
    assert page.status_code == 400 and b"at most 20 characters" in page.content
    empty = signed_in.post(url("send", direct.pk), {"body": "   "}, **JSON)
    assert empty.status_code == 400 and "body" in empty.json()["errors"]
    bad_reply = signed_in.post(url("send", direct.pk), {"body": "hi", "reply_to": "999999"}, **JSON)
    assert bad_reply.status_code == 400
    bad_ref = signed_in.post(url("send", direct.pk), {"body": "hi", "refs": "folder:1"})
    assert bad_ref.status_code == 400 and b"is not a reference" in bad_ref.content
    assert not Message.objects.exists()


def test_json_send_and_backfill_after_an_id(signed_in: Client, direct: Any, bob: Any) -> None:
    response = signed_in.post(url("send", direct.pk), {"body": "first"}, **JSON)
    assert response.status_code == 201
    first = response.json()
    assert (first["body"], first["sender"]["username"], first["cards"]) == ("first", "alice", [])
    later = [services.send_message(bob, direct.pk, f"later {i}").pk for i in range(3)]
    backfill = signed_in.get(url("messages", direct.pk) + f"?after={first['id']}").json()
    assert [m["id"] for m in backfill["messages"]] == later and backfill["has_more"] is False
    assert signed_in.get(url("messages", direct.pk) + "?after=x").status_code == 400
    assert signed_in.get(url("message", direct.pk, later[0])).json()["body"] == "later 0"


def test_conversation_page_pages_back_through_history_and_marks_read(
    signed_in: Client, direct: Any, alice: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ids = [services.send_message(bob, direct.pk, f"msg-{i:03d}").pk for i in range(55)]
    page = signed_in.get(url("conversation", direct.pk)).content.decode()
    assert "msg-054" in page and "msg-004" not in page
    assert f'href="?before={ids[5]}"' in page  # the "Older messages" link
    assert Membership.objects.get(conversation=direct, user=alice).last_read_message_id == ids[-1]
    older = signed_in.get(url("conversation", direct.pk) + f"?before={ids[5]}").content.decode()
    assert "msg-004" in older and "msg-005" not in older
    fragment = signed_in.get(url("history", direct.pk) + f"?before={ids[5]}").content.decode()
    assert 'data-has-more="0"' in fragment and "msg-000" in fragment
    assert signed_in.get(url("conversation", direct.pk) + "?before=abc&reply_to=-1").status_code == 200
    assert signed_in.get(url("conversation", direct.pk) + "?before=\N{SUPERSCRIPT TWO}").status_code == 200
    assert signed_in.get(url("messages", direct.pk) + "?after=99999999999999999999").status_code == 400
    assert signed_in.get("/messages/c/99999999999999999999999/").status_code == 404


def test_header_badges_come_from_redis_without_a_query(
    private_redis_roles: RedisProcess,
    direct: Any,
    bob: Any,
    alice: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = Client()
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(bob, direct.pk, "ping @alice")
    client.get(reverse("accounts:profile"))  # warms the profile cache and the unread hash
    stats = redis.Redis(port=private_redis_roles.port)
    before = stats.info("commandstats")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("accounts:profile")).content.decode()
    after = stats.info("commandstats")
    assert len(queries) == 0, [q["sql"] for q in queries]
    hgetall = after["cmdstat_hgetall"]["calls"] - before.get("cmdstat_hgetall", {}).get("calls", 0)
    assert hgetall == 1
    assert "data-tk-bell-count>1</span>" in page  # the mention (it replaces the message notification)
    assert "data-tk-unread-total>1</span>" in page


def test_reply_edit_delete_and_react_with_forms(signed_in: Client, direct: Any, alice: Any, bob: Any) -> None:
    original = services.send_message(bob, direct.pk, "original")
    page = signed_in.get(url("conversation", direct.pk) + f"?reply_to={original.pk}").content.decode()
    assert "Replying to <strong>bob</strong>: original" in page
    signed_in.post(url("send", direct.pk), {"body": "reply", "reply_to": original.pk})
    reply = Message.objects.get(body="reply")
    assert reply.reply_to_id == original.pk
    assert signed_in.get(url("edit", direct.pk, original.pk)).status_code == 404  # bob's message
    edit = signed_in.post(url("edit", direct.pk, reply.pk), {"body": "reply, edited"})
    assert edit.status_code == 302
    assert "(edited)" in signed_in.get(url("conversation", direct.pk)).content.decode()
    signed_in.post(url("react", direct.pk, original.pk), {"emoji": "🎉"})
    assert Reaction.objects.filter(message=original, user=alice, emoji="🎉").exists()
    signed_in.post(url("react", direct.pk, original.pk), {"emoji": "🎉"})  # toggles off
    assert not Reaction.objects.exists()
    bad = signed_in.post(url("react", direct.pk, original.pk), {"emoji": "<img>"}, **JSON)
    assert bad.status_code == 400
    assert signed_in.post(url("delete", direct.pk, original.pk)).status_code == 403
    signed_in.post(url("delete", direct.pk, reply.pk))
    assert "This message was deleted." in signed_in.get(url("conversation", direct.pk)).content.decode()


def test_new_conversation_form(signed_in: Client, bob: Any, carol: Any) -> None:
    direct = signed_in.post(url("new"), {"kind": "direct", "usernames": "@Bob"})
    conversation = Conversation.objects.get(kind=Conversation.Kind.DIRECT)
    assert direct["Location"] == url("conversation", conversation.pk)
    unknown = signed_in.post(url("new"), {"kind": "direct", "usernames": "bob ghost"})
    assert unknown.status_code == 400 and b"No active user named ghost" in unknown.content
    unnamed = signed_in.post(url("new"), {"kind": "group", "usernames": "bob carol"})
    assert unnamed.status_code == 400 and b"Give the group a name." in unnamed.content
    signed_in.post(url("new"), {"kind": "group", "usernames": "bob, carol", "name": "Trio"})
    group = Conversation.objects.get(kind=Conversation.Kind.GROUP)
    assert group.memberships.count() == 3


def test_members_page_add_remove_and_permissions(signed_in: Client, alice: Any, bob: Any, carol: Any) -> None:
    group = services.create_group(alice, "Team", [bob])
    assert signed_in.post(url("members", group.pk), {"username": "carol"}).status_code == 302
    assert group.memberships.filter(user=carol).exists()
    missing = signed_in.post(url("members", group.pk), {"username": "nobody"})
    assert missing.status_code == 400 and b"No active user" in missing.content
    as_bob = Client()
    as_bob.force_login(bob)
    assert as_bob.post(url("remove_member", group.pk, carol.pk)).status_code == 403
    assert as_bob.post(url("members", group.pk), {"username": "carol"}).status_code == 403
    signed_in.post(url("remove_member", group.pk, carol.pk))
    assert not group.memberships.filter(user=carol).exists()
    signed_in.post(url("rename", group.pk), {"name": "Renamed"})
    group.refresh_from_db()
    assert group.name == "Renamed"
    general = services.general_channel()
    page = signed_in.get(url("members", general.pk))
    assert page.status_code == 200 and b"Everyone on this Trackeep belongs to #general" in page.content


def test_search_within_a_conversation(signed_in: Client, direct: Any, bob: Any) -> None:
    services.send_message(bob, direct.pk, "the deploy key is in the vault")
    services.send_message(bob, direct.pk, "unrelated")
    page = signed_in.get(url("conversation", direct.pk) + "?q=VAULT").content.decode()
    assert "the deploy key is in the vault" in page and "unrelated" not in page
    nothing = signed_in.get(url("conversation", direct.pk) + "?q=zebra").content.decode()
    assert "No message here contains “zebra”." in nothing


def test_notifications_page_mark_read_and_open(
    signed_in: Client, direct: Any, bob: Any, alice: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert b"No notifications yet." in signed_in.get(url("notifications")).content
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(bob, direct.pk, "hello")
        services.send_message(bob, direct.pk, "again")
        services.notify(alice.pk, Notification.Kind.FOLLOW, "carol followed you", url="/community/")
    page = signed_in.get(url("notifications")).content.decode()
    assert "bob sent you a message" in page and "carol followed you" in page
    assert "2 new" in page  # two messages, one entry
    follow = Notification.objects.get(kind=Notification.Kind.FOLLOW)
    with django_capture_on_commit_callbacks(execute=True):
        opened = signed_in.post(url("notification_open", follow.pk))
    assert opened["Location"] == "/community/"
    assert signed_in.get(url("counts")).json()["notifications"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(url("notifications_read"))
    assert signed_in.get(url("counts")).json() == {
        "notifications": 0,
        "messages": 2,
        "conversations": {str(direct.pk): 2},
    }
    other = Notification.objects.create(user=bob, kind="follow", text="not yours")
    assert signed_in.post(url("notification_open", other.pk)).status_code == 404
