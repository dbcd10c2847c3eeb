"""Collections: named sets of bookmarks, "move to a collection" from the bulk bar, read-only sharing
with other users, and public links (tokens, expiry, revoke, the share_link rate limit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from content import services
from content.models import Collection, CollectionItem, CollectionLink
from tests.factories import make_user, signed_in
from tests.ratelimit.conftest import default_rows

pytestmark = pytest.mark.django_db


def detail(collection: Collection) -> str:
    return reverse("content:collection_detail", args=[collection.pk])


@pytest.fixture
def reading(owner: Any) -> Collection:
    return services.create_collection(owner.pk, "Reading", "Long reads")


def test_creating_a_collection_and_refusing_a_duplicate_name(client_of: Client, owner: Any) -> None:
    response = client_of.post(
        reverse("content:collection_list"), {"name": "  Weekend   reads ", "description": ""}
    )
    collection = Collection.objects.get(owner=owner)
    assert response.status_code == 302 and response["Location"] == detail(collection)
    assert collection.name == "Weekend reads"
    again = client_of.post(reverse("content:collection_list"), {"name": "WEEKEND READS"})
    assert again.status_code == 400 and "already have a collection named" in again.content.decode()
    blank = client_of.post(reverse("content:collection_list"), {"name": "   "})
    assert blank.status_code == 400 and Collection.objects.count() == 1
    assert "Weekend reads" in client_of.get(reverse("content:collection_list")).content.decode()


def test_move_to_a_collection_from_the_bulk_bar(
    client_of: Client, owner: Any, stranger: Any, reading: Collection
) -> None:
    other = services.create_collection(owner.pk, "Later")
    mine = [services.create_bookmark(owner, url=f"https://{n}.example/", title=f"Mine {n}") for n in range(3)]
    theirs = services.create_bookmark(stranger, url="https://x.example/", title="Theirs")
    services.move_to_collection(owner.pk, other, [mine[0].pk])
    listing = client_of.get(reverse("content:bookmark_list")).content.decode()
    assert '<option value="move">Move to collection</option>' in listing
    ids = [mine[0].pk, mine[1].pk, theirs.pk]
    response = client_of.post(
        reverse("content:bookmark_bulk"), {"ids": ids, "action": "move", "collection": reading.pk}
    )
    assert response.status_code == 302
    assert set(CollectionItem.objects.filter(collection=reading).values_list("bookmark_id", flat=True)) == {
        mine[0].pk,
        mine[1].pk,
    }
    assert not CollectionItem.objects.filter(collection=other).exists()  # moved, not copied
    page = client_of.get(detail(reading)).content.decode()
    assert "Mine 0" in page and "Mine 1" in page and "Mine 2" not in page and "Theirs" not in page
    theirs_collection = services.create_collection(stranger.pk, "Theirs")
    refused = client_of.post(
        reverse("content:bookmark_bulk"),
        {"ids": [mine[2].pk], "action": "move", "collection": theirs_collection.pk},
    )
    assert refused.status_code == 404 and not CollectionItem.objects.filter(bookmark=mine[2]).exists()
    odd = client_of.post(
        reverse("content:bookmark_bulk"), {"ids": [mine[2].pk], "action": "move", "collection": "²"}
    )
    assert odd.status_code == 404


def test_removing_bookmarks_and_deleting_a_collection_keeps_the_bookmarks(
    client_of: Client, owner: Any, reading: Collection
) -> None:
    bookmark = services.create_bookmark(owner, url="https://a.example/", title="Keep me")
    services.move_to_collection(owner.pk, reading, [bookmark.pk])
    client_of.post(reverse("content:collection_remove", args=[reading.pk]), {"ids": [bookmark.pk]})
    assert not CollectionItem.objects.exists()
    confirm = client_of.get(reverse("content:collection_delete", args=[reading.pk]))
    assert "Delete this collection?" in confirm.content.decode() and Collection.objects.exists()
    client_of.post(reverse("content:collection_delete", args=[reading.pk]))
    assert not Collection.objects.exists()
    assert type(bookmark).objects.filter(pk=bookmark.pk).exists()


def test_sharing_with_a_user_is_read_only_and_others_get_404(
    client_of: Client, owner: Any, stranger: Any, reading: Collection
) -> None:
    bookmark = services.create_bookmark(owner, url="https://a.example/", title="Shared read")
    services.move_to_collection(owner.pk, reading, [bookmark.pk])
    outsider = signed_in(make_user(username="outsider"))
    assert outsider.get(detail(reading)).status_code == 404
    unknown = client_of.post(reverse("content:collection_share", args=[reading.pk]), {"username": "nobody"})
    assert unknown.status_code == 400 and "There is no user with that name." in unknown.content.decode()
    assert (
        client_of.post(
            reverse("content:collection_share", args=[reading.pk]), {"username": owner.username}
        ).status_code
        == 400
    )
    client_of.post(
        reverse("content:collection_share", args=[reading.pk]), {"username": stranger.username.upper()}
    )
    guest = signed_in(stranger)
    page = guest.get(detail(reading)).content.decode()
    assert (
        "Shared read" in page
        and "read-only" in page
        and "Stop sharing" not in page
        and 'name="ids"' not in page
    )
    assert "Reading" in guest.get(reverse("content:collection_list")).content.decode()
    for name, args in [
        ("collection_remove", [reading.pk]),
        ("collection_link_create", [reading.pk]),
        ("collection_share", [reading.pk]),
        ("collection_delete", [reading.pk]),
    ]:
        assert guest.post(reverse(f"content:{name}", args=args), {"ids": [bookmark.pk]}).status_code == 404, (
            name
        )
    assert CollectionItem.objects.count() == 1 and Collection.objects.count() == 1
    client_of.post(reverse("content:collection_unshare", args=[reading.pk, stranger.pk]))
    assert guest.get(detail(reading)).status_code == 404


def test_a_public_link_shows_the_collection_until_revoked_or_expired(
    client_of: Client, owner: Any, reading: Collection
) -> None:
    bookmark = services.create_bookmark(
        owner, url="https://a.example/", title="Public read", tags=["secret-tag"]
    )
    services.move_to_collection(owner.pk, reading, [bookmark.pk])
    services.create_bookmark(owner, url="https://b.example/", title="Private read")
    client_of.post(reverse("content:collection_link_create", args=[reading.pk]), {"expires": "7d"})
    link = CollectionLink.objects.get(collection=reading)
    assert len(link.token) >= 43 and link.expires_at > timezone.now() + dt.timedelta(days=6)
    assert link.token in client_of.get(detail(reading)).content.decode()
    anonymous = Client()
    public = anonymous.get(reverse("content:collection_public", args=[link.token]))
    body = public.content.decode()
    assert public.status_code == 200 and "Public read" in body and "Private read" not in body
    assert "no-cache" in public["Cache-Control"] or "max-age=0" in public["Cache-Control"]
    assert anonymous.get("/content/c/" + "x" * 43 + "/").status_code == 404
    client_of.post(reverse("content:collection_link_revoke", args=[reading.pk, link.pk]))
    assert anonymous.get(reverse("content:collection_public", args=[link.token])).status_code == 410
    expired = services.create_collection_link(reading, expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert anonymous.get(reverse("content:collection_public", args=[expired.token])).status_code == 410
    other = signed_in(make_user())
    assert (
        other.post(reverse("content:collection_link_revoke", args=[reading.pk, expired.pk])).status_code
        == 404
    )


def test_public_collection_links_spend_the_share_link_budget(
    settings: Any, owner: Any, reading: Collection
) -> None:
    settings.RATE_LIMIT_POLICIES = default_rows(share_link={"limit": 2})
    link = services.create_collection_link(reading)
    client = Client(REMOTE_ADDR="198.51.100.7")
    paths = [reverse("content:collection_public", args=[link.token]), "/content/c/" + "y" * 43 + "/"]
    codes = [client.get(paths[n % 2]).status_code for n in range(3)]
    assert codes == [200, 404, 429]


def test_the_admin_lists_collections_without_their_link_tokens(owner: Any, reading: Collection) -> None:
    link = services.create_collection_link(reading)
    staff = make_user(username="staffer", is_staff=True, is_superuser=True)
    page = signed_in(staff).get(reverse("admin:content_collection_change", args=[reading.pk]))
    assert page.status_code == 200 and "Reading" in page.content.decode()
    assert link.token not in page.content.decode()
