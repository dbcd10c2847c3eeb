"""Picking people and attachments by searching instead of typing names and ``bookmark:ID``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from content import services as content
from tests.factories import make_user
from tests.factories import signed_in as client_for

pytestmark = pytest.mark.django_db


def test_people_are_found_by_name_or_username(alice: Any, bob: Any) -> None:
    make_user(username="alfred", full_name="Alfred Quill")
    make_user(username="alma", is_active=False)
    client = client_for(alice)
    found = client.get(reverse("messaging:people"), {"q": "al"}).json()["results"]
    assert [row["value"] for row in found] == ["alfred"]  # not yourself, not inactive accounts
    assert found[0]["label"] == "alfred · Alfred Quill"
    assert client.get(reverse("messaging:people"), {"q": "quill"}).json()["results"][0]["value"] == "alfred"
    assert client.get(reverse("messaging:people"), {"q": ""}).json()["results"] == []
    assert Client().get(reverse("messaging:people"), {"q": "al"}).status_code == 302


def test_attachments_are_found_among_your_own_items(alice: Any, bob: Any) -> None:
    bookmark = content.create_bookmark(alice, url="https://milk.example/", title="Milk prices")
    task = content.create_task(alice, title="Buy milk")
    content.create_note(bob, title="Bob's milk note")
    found = client_for(alice).get(reverse("messaging:attachable"), {"q": "MILK"}).json()["results"]
    assert sorted(row["value"] for row in found) == sorted([f"bookmark:{bookmark.pk}", f"task:{task.pk}"])
    assert {row["label"] for row in found} == {"Bookmark · Milk prices", "Task · Buy milk"}


def test_forms_offer_the_pickers(alice: Any, direct: Any) -> None:
    client = client_for(alice)
    new = client.get(reverse("messaging:new")).content.decode()
    assert f'data-picker="{reverse("messaging:people")}"' in new
    page = client.get(reverse("messaging:conversation", args=[direct.pk])).content.decode()
    assert f'data-picker="{reverse("messaging:attachable")}"' in page
