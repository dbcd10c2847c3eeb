"""Imports from other apps (Pocket, Raindrop.io, Linkwarden, Karakeep, Wallabag): each fixture is in
the shape the app really exports; the page shows the counts, folders and tags come through as
tags, flags are kept, and importing the same file again adds nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from content.models import Bookmark, Note, Tag
from tests.content.import_support import import_file

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures" / "imports"


def upload(client: Client, source: str, name: str, data: bytes | None = None) -> Any:
    content = data if data is not None else (FIXTURES / name).read_bytes()
    return import_file(client, "content:import_app", name, content, {"source": source})


def counts(response: Any) -> tuple[int, int, int]:
    result = response.context["result"]
    return result.total_added, result.total_duplicates, result.total_invalid


def tags_of(owner: Any, url: str) -> list[str]:
    return sorted((tag.name for tag in Bookmark.objects.get(owner=owner, url=url).tags.all()), key=str.lower)


def test_pocket_csv(client_of: Client, owner: Any) -> None:
    response = upload(client_of, "pocket", "pocket.csv")
    assert response.status_code == 200
    assert counts(response) == (3, 0, 1)
    page = response.content.decode()
    assert "Added <strong>3</strong>" in page and "javascript:alert(1) is not a web address" in page
    espresso = Bookmark.objects.get(owner=owner, url="https://coffee.example/espresso")
    assert espresso.title == "How to make espresso at home" and not espresso.is_read
    assert tags_of(owner, "https://coffee.example/espresso") == ["coffee", "recipes"]
    assert espresso.created_at.timestamp() == 1709251200
    local_first = Bookmark.objects.get(owner=owner, url="https://inkandswitch.example/local-first/")
    assert local_first.is_read and local_first.read_at is not None
    assert (
        Bookmark.objects.get(owner=owner, url="https://news.example/item?id=1").title == "news.example/item"
    )
    assert counts(upload(client_of, "pocket", "pocket.csv")) == (0, 3, 1)


def test_pocket_zip_of_csv_parts_with_both_header_generations(client_of: Client, owner: Any) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("part_000000.csv", (FIXTURES / "pocket.csv").read_text())
        bundle.writestr(
            "part_000001.csv",
            "title,url,time_added,tags,status\nOlder header,https://older.example/,1500000000,old,unread\n",
        )
        bundle.writestr("annotations/part_000000.json", "[]")
    response = upload(client_of, "pocket", "pocket.zip", archive.getvalue())
    assert counts(response) == (4, 0, 1)
    assert tags_of(owner, "https://older.example/") == ["old"]


def test_raindrop_csv(client_of: Client, owner: Any) -> None:
    assert counts(upload(client_of, "raindrop", "raindrop.csv")) == (3, 0, 0)
    django_docs = Bookmark.objects.get(owner=owner, url="https://docs.djangoproject.example/en/5.2/")
    assert django_docs.is_favorite
    assert (
        django_docs.description == "My main reference\n\nThe web framework for perfectionists with deadlines."
    )
    assert tags_of(owner, "https://docs.djangoproject.example/en/5.2/") == [
        "django",
        "python",
        "Work/Reading",
    ]
    tricky = Bookmark.objects.get(owner=owner, url="https://blog.example/tricky")
    assert tricky.title == 'Quotes, commas and "escapes"' and not tricky.is_favorite
    assert tags_of(owner, "https://blog.example/tricky") == ["Work"]
    assert tags_of(owner, "https://food.example/weekend") == ["cooking"]  # "Unsorted" is no folder
    assert counts(upload(client_of, "raindrop", "raindrop.csv")) == (0, 3, 0)


def test_linkwarden_backup(client_of: Client, owner: Any) -> None:
    response = upload(client_of, "linkwarden", "linkwarden.json")
    assert counts(response) == (3, 0, 1)
    assert "has no address" in response.content.decode()
    assert tags_of(owner, "https://github.example/") == ["dev", "Tech"]
    assert tags_of(owner, "https://react.example/") == ["js", "Tech/Frontend", "ui"]
    assert tags_of(owner, "https://later.example/post") == []  # the default collection adds no tag
    github = Bookmark.objects.get(owner=owner, url="https://github.example/")
    assert github.is_favorite and github.description == "Code hosting"
    assert github.created_at.year == 2019  # importDate: first saved elsewhere
    assert counts(upload(client_of, "linkwarden", "linkwarden.json")) == (0, 3, 1)


def test_karakeep_export(client_of: Client, owner: Any) -> None:
    response = upload(client_of, "karakeep", "karakeep.json")
    assert counts(response) == (3, 0, 1)
    ddia = Bookmark.objects.get(owner=owner, url="https://ddia.example/chapter-1")
    assert ddia.is_read and ddia.description == "Re-read chapter 5"
    assert tags_of(owner, "https://ddia.example/chapter-1") == ["books", "databases", "Projects/Inbox"]
    assert tags_of(owner, "https://untitled.example/page") == []  # smart lists are no folders
    note = Note.objects.get(owner=owner)
    assert (note.title, note.content) == ("Shopping list", "Milk\nBread\nCoffee beans")
    assert [tag.name for tag in note.tags.all()] == ["home"]
    again = upload(client_of, "karakeep", "karakeep.json")
    assert counts(again) == (0, 3, 1)
    assert Note.objects.filter(owner=owner).count() == 1


def test_wallabag_export(client_of: Client, owner: Any) -> None:
    assert counts(upload(client_of, "wallabag", "wallabag.json")) == (2, 0, 0)
    anne = Bookmark.objects.get(owner=owner, url__contains="anne-frank")
    assert anne.is_read and not anne.is_favorite
    assert anne.created_at.isoformat() == "2016-09-08T09:55:58+00:00"
    assert tags_of(owner, anne.url) == ["law", "privacy"]
    tails = Bookmark.objects.get(owner=owner, url__contains="tails")
    assert tails.is_favorite and not tails.is_read
    assert counts(upload(client_of, "wallabag", "wallabag.json")) == (0, 2, 0)


@pytest.mark.parametrize(
    ("source", "fixture"),
    [("pocket", "wallabag.json"), ("raindrop", "pocket.csv"), ("linkwarden", "karakeep.json"),
     ("karakeep", "wallabag.json"), ("wallabag", "linkwarden.json")],
)  # fmt: skip
def test_a_file_of_another_shape_is_refused_with_a_reason(
    client_of: Client, owner: Any, source: str, fixture: str
) -> None:
    response = upload(client_of, source, fixture)
    assert response.status_code == 200 and b"Import failed" in response.content
    assert b"This is not" in response.content
    assert not Bookmark.objects.filter(owner=owner).exists()


def test_imports_reuse_existing_tags_in_any_case(client_of: Client, owner: Any) -> None:
    Tag.objects.create(owner=owner, name="Python")
    upload(client_of, "raindrop", "raindrop.csv")
    assert Tag.objects.filter(owner=owner, name__iexact="python").count() == 1


def test_the_import_page_offers_every_app(client_of: Client) -> None:
    page = client_of.get(reverse("content:transfer")).content.decode()
    for label in ("Pocket", "Raindrop.io", "Linkwarden", "Karakeep / Hoarder", "Wallabag"):
        assert label in page


def test_the_source_must_be_chosen(client_of: Client) -> None:
    response = upload(client_of, "", "pocket.csv")
    assert response.status_code == 400 and response.context["app_form"].errors["source"]
