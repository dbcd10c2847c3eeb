"""The share target (bookmarklet and phones), the web app manifest and the share service worker."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from content import services
from content.models import Bookmark

pytestmark = pytest.mark.django_db


def test_the_share_page_prefills_what_was_shared(client_of: Client) -> None:
    query = urlencode({"url": "https://example.com/a", "title": "A page", "text": "Selected words"})
    form = client_of.get(f"/share/?{query}").context["form"]
    assert form.initial == {
        "url": "https://example.com/a",
        "title": "A page",
        "description": "Selected words",
    }


def test_an_address_inside_shared_text_is_found(client_of: Client) -> None:
    query = urlencode({"title": "Read this", "text": "Look at this: https://example.com/story?id=7."})
    form = client_of.get(f"/share/?{query}").context["form"]
    assert form.initial["url"] == "https://example.com/story?id=7"
    assert form.initial["description"] == "Look at this:"


def test_saving_from_the_share_page_keeps_one_bookmark_per_address(client_of: Client, owner: Any) -> None:
    data = {"url": "https://example.com/a", "title": "A page", "description": "", "tag_names": "phone"}
    first = client_of.post("/share/", data)
    assert first.status_code == 200 and first.context["created"] is True
    again = client_of.post("/share/", {**data, "url": "https://EXAMPLE.com/a#top", "tag_names": "later"})
    assert again.context["created"] is False
    bookmark = Bookmark.objects.get(owner=owner)
    assert sorted(tag.name for tag in bookmark.tags.all()) == ["later", "phone"]


def test_the_share_page_says_when_a_page_is_already_kept(client_of: Client, owner: Any) -> None:
    services.create_bookmark(owner, url="https://example.com/a", title="Kept before")
    page = client_of.get("/share/?url=https%3A%2F%2Fexample.com%2Fa").content.decode()
    assert "You saved this page on" in page and "Kept before" in page


def test_bad_shares_get_form_errors(client_of: Client, owner: Any) -> None:
    response = client_of.post("/share/", {"url": "not an address at all", "title": "x"})
    assert response.status_code == 400 and response.context["form"].errors["url"]
    assert not Bookmark.objects.exists()


def test_sharing_needs_a_signed_in_user_and_comes_back_after_login(owner: Any) -> None:
    response = Client().get("/share/?url=https%3A%2F%2Fexample.com%2F")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/share/")


def test_the_manifest_makes_trackeep_a_share_target(owner: Any) -> None:
    response = Client().get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["share_target"] == {
        "action": "/share/",
        "method": "GET",
        "params": {"title": "title", "text": "text", "url": "url"},
    }
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert Client().get(icon["src"]).status_code == 200


def test_every_page_links_the_manifest(client_of: Client) -> None:
    assert '<link rel="manifest" href="/manifest.webmanifest">' in client_of.get("/").content.decode()


def test_the_service_worker_is_scoped_to_the_share_pages(owner: Any) -> None:
    response = Client().get("/share/sw.js")
    assert response["Content-Type"].startswith("text/javascript")
    script = response.content.decode()
    assert 'const OFFLINE_URL = "/share/offline/"' in script
    assert "Service-Worker-Allowed" not in response  # so its scope cannot reach beyond /share/
    offline = Client().get("/share/offline/")
    assert offline.status_code == 200 and "You are offline" in offline.content.decode()


def test_the_tokens_page_offers_a_working_bookmarklet(client_of: Client) -> None:
    page = client_of.get("/accounts/tokens/").content.decode()
    assert "javascript:(function(){" in page
    assert "http://testserver/share/?url=" in page
