"""The conversation list (inbox) from the ``conversations`` family: a repeated page needs no query
and at most three Redis round trips; every change a member would see shows on their next page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from messaging import services
from tests.factories import make_user, signed_in
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db(transaction=True)  # invalidation runs after commit

UNREAD = re.compile(r'data-tk-row="(\d+)".*?data-tk-unread(?: hidden)?[^>]*>(\d+)<', re.S)
PER_REQUEST = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"|"X-CSRFToken": "[^"]+"')


def _inbox(client: Client, **params: str) -> str:
    response = client.get(reverse("messaging:inbox"), params)
    assert response.status_code == 200
    return response.content.decode()


def _unread(page: str) -> dict[int, int]:
    return {int(row): int(n) for row, n in UNREAD.findall(page)}


def test_a_repeated_inbox_needs_no_query_and_three_round_trips(
    private_redis_roles: RedisProcess, round_trips: Callable[[], Any]
) -> None:
    alice, bob, carol = make_user(), make_user(), make_user()
    direct = services.start_direct(alice, bob)
    group = services.create_group(alice, "Crew", [bob, carol])
    services.send_message(bob, direct.pk, "hello")
    services.send_message(carol, group.pk, "hi all")
    client = signed_in(alice)
    first = client.get(reverse("messaging:inbox"))
    with CaptureQueriesContext(connection) as queries, round_trips() as sent:
        again = client.get(reverse("messaging:inbox"))
    assert again.status_code == 200
    assert PER_REQUEST.sub(b"", again.content) == PER_REQUEST.sub(b"", first.content)
    assert len(queries) == 0, [q["sql"] for q in queries]
    # The session GET; the rate-limit EVALSHA with the unread hash riding along; the family EVALSHA.
    assert len(sent) <= 3, sent


def test_unread_counts_and_order_follow_new_messages(private_redis_roles: RedisProcess) -> None:
    alice, bob, carol = make_user(), make_user(), make_user()
    direct = services.start_direct(alice, bob)
    group = services.create_group(bob, "Crew", [alice, carol])
    client = signed_in(alice)
    _inbox(client)  # cached before the messages
    services.send_message(bob, direct.pk, "first news")
    page = _inbox(client)
    assert "first news" in page and _unread(page)[direct.pk] == 1
    services.send_message(carol, group.pk, "second news")
    services.send_message(carol, group.pk, "third news")
    page = _inbox(client)
    assert page.index(f'data-tk-row="{group.pk}"') < page.index(f'data-tk-row="{direct.pk}"')
    assert _unread(page)[group.pk] == 2 and _unread(page)[direct.pk] == 1
    services.mark_read(alice, direct.pk)
    assert _unread(_inbox(client))[direct.pk] == 0
    services.send_message(alice, direct.pk, "my reply")
    page = _inbox(client)
    assert "my reply" in page and page.index(f'data-tk-row="{direct.pk}"') < page.index(
        f'data-tk-row="{group.pk}"'
    )


def test_membership_rename_archive_edit_and_partner_name_show_on_the_next_page(
    private_redis_roles: RedisProcess,
) -> None:
    alice, bob, carol = make_user(), make_user(), make_user(full_name="Carol Old")
    group = services.create_group(alice, "Crew", [bob])
    direct = services.start_direct(bob, carol)
    bob_client, carol_client = signed_in(bob), signed_in(carol)
    assert "Crew" in _inbox(bob_client) and "Carol Old" in _inbox(bob_client)
    _inbox(carol_client)
    services.add_member(alice, group.pk, carol)
    assert "Crew" in _inbox(carol_client)
    services.rename(alice, group.pk, "Renamed crew")
    assert "Renamed crew" in _inbox(bob_client)
    message = services.send_message(alice, group.pk, "typo hier")
    assert "typo hier" in _inbox(bob_client)
    services.edit_message(alice, message.pk, "typo here")
    assert "typo here" in _inbox(bob_client)
    services.delete_message(alice, message.pk)
    assert "Message deleted" in _inbox(bob_client)
    services.remove_member(alice, group.pk, bob.pk)
    assert f'data-tk-row="{group.pk}"' not in _inbox(bob_client)
    services.set_archived(alice, group.pk, True)
    assert f'data-tk-row="{group.pk}"' not in _inbox(carol_client)
    assert f'data-tk-row="{group.pk}"' in _inbox(carol_client, archived="1")
    carol.full_name = "Carol New"
    carol.save()
    page = _inbox(bob_client)
    assert "Carol New" in page and "Carol Old" not in page and f'data-tk-row="{direct.pk}"' in page


def test_pages_and_lists_are_cached_apart_and_per_user(private_redis_roles: RedisProcess) -> None:
    alice, bob = make_user(), make_user()
    services.create_group(alice, "Only alice and bob", [bob])
    solo = services.create_group(alice, "Archived one", [])
    services.set_archived(alice, solo.pk, True)
    client = signed_in(alice)
    assert "Archived one" not in _inbox(client)
    assert "Archived one" in _inbox(client, archived="1")
    assert "Archived one" not in _inbox(signed_in(bob), archived="1")


def test_invalidating_many_members_is_one_round_trip(
    private_redis_roles: RedisProcess, round_trips: Callable[[], Any]
) -> None:
    from messaging.caches import CONVERSATIONS

    users = [make_user() for _ in range(5)]
    before = {u.pk: CONVERSATIONS.generation(u.pk) for u in users}
    with round_trips() as sent:
        CONVERSATIONS.invalidate_many([u.pk for u in users])
    assert len(sent) == 1
    assert all(CONVERSATIONS.generation(u.pk) == before[u.pk] + 1 for u in users)
