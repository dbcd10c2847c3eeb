"""Import and export: browser bookmark files (folders become path tags, re-import adds nothing) and
the Trackeep archive (a lossless round trip, idempotent import, bad items counted as invalid)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from content import services
from content.exporters import archive as archive_export
from content.importers import archive as archive_import
from content.importers import netscape
from content.importers.result import ImportResult
from content.models import Bookmark, Note, ShareLink, StoredFile, Tag, Task
from tests.content.import_support import import_file
from tests.factories import make_user, signed_in
from tests.html_support import repeated_ids

pytestmark = pytest.mark.django_db

CHROME_EXPORT = """<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3 ADD_DATE="1700000000" LAST_MODIFIED="1700000100" PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>
    <DL><p>
        <DT><A HREF="https://news.example/" ADD_DATE="1700000001">News &amp; views</A>
        <DT><H3 ADD_DATE="1700000000">Dev</H3>
        <DL><p>
            <DT><A HREF="https://docs.djangoproject.com/" ADD_DATE="1700000002">Django docs</A>
            <DD>The manual
            <DT><H3>Python</H3>
            <DL><p>
                <DT><A HREF="https://docs.python.org/3/" ADD_DATE="1700000003">Python 3</A>
                <DT><H3>Async</H3>
                <DL><p>
                    <DT><A HREF="https://asyncio.example/">asyncio</A>
                </DL><p>
            </DL><p>
            <DT><A HREF="https://git-scm.com/">Git</A>
        </DL><p>
    </DL><p>
    <DT><A HREF="https://other.example/" ADD_DATE="1700000004">Other bookmark</A>
    <DT><A HREF="javascript:alert(1)">Bookmarklet</A>
    <DT><A HREF="place:sort=8">Smart folder</A>
    <DT><A>No address</A>
    <DT><A HREF="https://news.example/">Same address twice</A>
</DL><p>
"""

FIREFOX_EXPORT = """<!DOCTYPE NETSCAPE-Bookmark-file-1>
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks Menu</H1>
<DL><p>
    <DT><A HREF="https://mozilla.org/" ADD_DATE="1600000000" LAST_MODIFIED="1600000500"
        ICON_URI="https://mozilla.org/favicon.ico" TAGS="browser,open source">Mozilla</A>
    <DT><H3 ADD_DATE="1" LAST_MODIFIED="2" UNFILED_BOOKMARKS_FOLDER="true">Other Bookmarks</H3>
    <DL><p>
        <DT><H3>Recipes</H3>
        <DL><p><DT><A HREF="https://food.example/bread">Bread</A></DL><p>
    </DL><p>
</DL>
"""


def tags_by_url(owner: Any) -> dict[str, list[str]]:
    return {
        b.url: sorted(t.name for t in b.tags.all())
        for b in Bookmark.objects.filter(owner=owner).prefetch_related("tags")
    }


def test_chrome_export_keeps_the_folder_hierarchy_as_path_tags(client_of: Client, owner: Any) -> None:
    response = import_file(client_of, "content:import_bookmarks", "bookmarks.html", CHROME_EXPORT.encode())
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.added["bookmark"], result.duplicates["bookmark"], result.invalid["bookmark"]) == (6, 1, 3)
    assert b"Added <strong>6</strong>" in response.content
    assert tags_by_url(owner) == {
        "https://news.example/": [],  # directly in the toolbar: the browser's container is no folder
        "https://docs.djangoproject.com/": ["Dev"],
        "https://docs.python.org/3/": ["Dev/Python"],
        "https://asyncio.example/": ["Dev/Python/Async"],
        "https://git-scm.com/": ["Dev"],
        "https://other.example/": [],
    }
    django = Bookmark.objects.get(url="https://docs.djangoproject.com/")
    assert (django.title, django.description, django.created_at.timestamp()) == (
        "Django docs",
        "The manual",
        1700000002,
    )
    assert Bookmark.objects.get(url="https://news.example/").title == "News & views"
    assert Bookmark.objects.get(url="https://asyncio.example/").title == "asyncio"


def test_firefox_tags_and_icons(owner: Any) -> None:
    result = ImportResult()
    services.import_bookmarks(owner, netscape.parse(FIREFOX_EXPORT.encode(), result), result)
    assert tags_by_url(owner) == {
        "https://mozilla.org/": ["browser", "open source"],
        "https://food.example/bread": ["Recipes"],
    }
    mozilla = Bookmark.objects.get(url="https://mozilla.org/")
    assert mozilla.favicon_url == "https://mozilla.org/favicon.ico"
    assert mozilla.updated_at.timestamp() == 1600000500


def test_export_then_reimport_creates_no_duplicates_and_keeps_tags(client_of: Client, owner: Any) -> None:
    import_file(client_of, "content:import_bookmarks", "bookmarks.html", CHROME_EXPORT.encode())
    services.create_bookmark(owner, url="https://multi.example", title="Multi", tags=["b", "a", "x/y"])
    before = tags_by_url(owner)
    exported = client_of.get(reverse("content:export_bookmarks"))
    assert exported.status_code == 200 and exported["Content-Disposition"].startswith("attachment")
    html = exported.content
    assert b"<DT><H3>Dev</H3>" in html and b"<DT><H3>Python</H3>" in html and b'TAGS="a,b"' in html

    again = import_file(client_of, "content:import_bookmarks", "again.html", html)
    assert again.context["result"].added["bookmark"] == 0
    assert again.context["result"].duplicates["bookmark"] == len(before)
    assert Bookmark.objects.filter(owner=owner).count() == len(before)

    # Into a fresh account the same file rebuilds the same tags.
    other = make_user()
    result = ImportResult()
    services.import_bookmarks(other, netscape.parse(html, result), result)
    assert tags_by_url(other) == before


def test_not_a_bookmark_file_is_refused_readably(client_of: Client) -> None:
    response = import_file(client_of, "content:import_bookmarks", "photo.png", b"\x89PNG\r\n\x1a\n")
    assert response.status_code == 400 and b"not a browser bookmark file" in response.content


def test_import_over_the_limit_is_refused(client_of: Client, settings: Any) -> None:
    settings.CONTENT_IMPORT_MAX_BYTES = 100
    response = import_file(client_of, "content:import_bookmarks", "b.html", CHROME_EXPORT.encode())
    assert response.status_code == 413 and b"too large to import" in response.content
    assert not Bookmark.objects.exists()


def make_everything(owner: Any) -> None:
    services.create_tag(owner, name="Colourful", color="#abcdef")
    services.create_bookmark(
        owner, url="https://a.example", title="A", description="d", is_read=True, is_favorite=True, tags=["x"]
    )
    services.create_bookmark(owner, url="https://b.example", favicon_url="https://b.example/i.png", title="B")
    parent = services.create_task(owner, title="Parent", priority="high", tags=["Colourful", "x"])
    services.create_task(owner, title="Child", parent=parent, status="completed", description="done")
    services.create_task(owner, title="Due", due_date=dt.date(2031, 5, 6), progress=30)
    top = services.create_note(owner, title="Top", content="# Hello\n\n*world*", is_pinned=True)
    services.create_note(owner, title="Inner", content="text", parent=top, tags=["Dev/Python"])
    stored = services.create_file(owner, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 data"), tags=["x"])
    services.create_share_link(stored)
    revoked = services.create_share_link(stored)
    services.revoke_share_link(revoked)
    services.create_file(owner, upload=SimpleUploadedFile("notes.txt", "héllo".encode()), description="t")


def archive_bytes(client: Client) -> bytes:
    response = client.get(reverse("content:export_archive"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    return b"".join(response.streaming_content)


def comparable(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        document = json.loads(bundle.read("trackeep.json"))
        blobs = {name: bundle.read(name) for name in bundle.namelist() if name.startswith("files/")}
    document.pop("exported_at")
    return {"document": document, "blobs": blobs}


def test_archive_round_trip_is_lossless(client_of: Client, owner: Any, media_root: Any) -> None:
    make_everything(owner)
    first = archive_bytes(client_of)
    for kind in ("bookmark", "task", "note", "file", "tag"):
        model = {"bookmark": Bookmark, "task": Task, "note": Note, "file": StoredFile, "tag": Tag}[kind]
        services.delete_items(owner.pk, kind, model.objects.filter(owner=owner).values_list("pk", flat=True))
    assert not Bookmark.objects.exists() and not ShareLink.objects.exists()

    response = import_file(client_of, "content:import_archive", "archive.zip", first)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.total_invalid == 0 and result.total_duplicates == 0
    assert dict(result.added) == {
        "tag": 3,
        "bookmark": 2,
        "task": 3,
        "note": 2,
        "file": 2,
        "share_link": 2,
    }
    assert comparable(archive_bytes(client_of)) == comparable(first)
    note = Note.objects.get(title="Top")
    assert "<h1>Hello</h1>" in note.content_html
    assert Task.objects.get(title="Child").parent == Task.objects.get(title="Parent")


def test_archive_import_twice_adds_nothing(client_of: Client, owner: Any) -> None:
    make_everything(owner)
    data = archive_bytes(client_of)
    response = import_file(client_of, "content:import_archive", "archive.zip", data)
    result = response.context["result"]
    assert result.total_added == 0 and result.total_invalid == 0
    assert (Bookmark.objects.count(), Task.objects.count(), StoredFile.objects.count()) == (2, 3, 2)
    assert ShareLink.objects.count() == 2


def test_archive_into_another_account(client_of: Client, owner: Any, stranger: Any) -> None:
    make_everything(owner)
    data = archive_bytes(client_of)
    result = ImportResult()
    archive = archive_import.read_archive(io.BytesIO(data), result)
    services.import_archive(stranger, archive, result)
    assert Bookmark.objects.filter(owner=stranger).count() == 2
    assert StoredFile.objects.filter(owner=stranger).count() == 2
    assert result.duplicates["share_link"] == 2  # tokens are global: the links stay with their owner


def test_bad_items_are_counted_and_the_rest_imported(owner: Any) -> None:
    document = archive_export.manifest(owner.pk)
    document["bookmarks"] = [
        {"uid": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "title": "Good", "url": "https://ok.example",
         "created_at": "2024-01-01T00:00:00+00:00", "updated_at": "2024-01-01T00:00:00+00:00", "tags": []},
        {"uid": "not-a-uid", "title": "Bad uid", "url": "https://x.example",
         "created_at": "2024-01-01T00:00:00+00:00", "updated_at": "2024-01-01T00:00:00+00:00"},
        {"uid": "2b4e28ba-2fa1-11d2-883f-0016d3cca427", "title": "Bad url", "url": "ftp//nope",
         "created_at": "2024-01-01T00:00:00+00:00", "updated_at": "2024-01-01T00:00:00+00:00"},
        "not even an object",
    ]  # fmt: skip
    document["tasks"] = [{"uid": "3b4e28ba-2fa1-11d2-883f-0016d3cca427", "title": "T", "status": "zzz"}]
    document["files"] = [
        {"uid": "4b4e28ba-2fa1-11d2-883f-0016d3cca427", "name": "gone.pdf", "size": 3, "sha256": "ab",
         "created_at": "2024-01-01T00:00:00+00:00", "updated_at": "2024-01-01T00:00:00+00:00"},
    ]  # fmt: skip
    result = ImportResult()
    archive = archive_import.read_archive(io.BytesIO(json.dumps(document).encode()), result)
    services.import_archive(owner, archive, result)
    assert (result.added["bookmark"], result.invalid["bookmark"]) == (1, 3)
    assert (result.invalid["task"], result.invalid["file"]) == (1, 1)
    assert len(result.problems) == 5 and any("Bad url" in p for p in result.problems)
    assert list(Bookmark.objects.values_list("title", flat=True)) == ["Good"]


def test_archive_with_tampered_file_bytes_is_refused_per_file(client_of: Client, owner: Any) -> None:
    services.create_file(owner, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 data"))
    data = archive_bytes(client_of)
    services.delete_items(owner.pk, "file", StoredFile.objects.values_list("pk", flat=True))
    tampered = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(tampered, "w") as target:
        for name in source.namelist():
            target.writestr(name, b"<html>evil</html>" if name.startswith("files/") else source.read(name))
    response = import_file(client_of, "content:import_archive", "t.zip", tampered.getvalue())
    assert response.context["result"].invalid["file"] == 1
    assert not StoredFile.objects.exists()


def test_unreadable_archives_get_a_clear_error(client_of: Client) -> None:
    for name, data, message in [
        ("x.zip", b"PK\x03\x04garbage", b"damaged"),
        ("x.json", b"{not json", b"could not be read"),
        ("x.json", b'{"format": "something-else"}', b"not a Trackeep archive"),
    ]:
        response = import_file(client_of, "content:import_archive", name, data)
        assert response.status_code == 200 and b"Import failed" in response.content, name
        assert message in response.content, name


def test_import_result_over_htmx_is_a_partial(client_of: Client) -> None:
    response = import_file(
        client_of, "content:import_bookmarks", "b.html", FIREFOX_EXPORT.encode(), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.content.lstrip().startswith(b'<div id="import-run">')  # finished: no more polling


def test_zip_bombs_are_refused_before_decompressing(client_of: Client, settings: Any) -> None:
    settings.CONTENT_IMPORT_MAX_BYTES = 10_000
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("trackeep.json", "{}")
        bundle.writestr("files/x", b"\x00" * 200_000)  # compresses to a few hundred bytes
    response = import_file(client_of, "content:import_archive", "bomb.zip", bomb.getvalue())
    assert b"Import failed" in response.content and b"expands to far more" in response.content
    assert not StoredFile.objects.exists()


ICON_PNG = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
ROUND_TRIP = f"""<!DOCTYPE NETSCAPE-Bookmark-file-1>
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3 PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>
    <DL><p>
        <DT><A HREF="https://bar.example/" ICON="{ICON_PNG}">On the bar</A>
        <DT><H3>Dev</H3>
        <DL><p>
            <DT><A HREF="https://dev.example/" TAGS="imported">Dev thing</A>
        </DL><p>
    </DL><p>
    <DT><H3>Reading</H3>
    <DL><p>
        <DT><A HREF="https://read.example/" TAGS="imported,later">To read</A>
        <DT><A HREF="https://evil.example/" ICON="data:text/html;base64,PHNjcmlwdD4=">Not an image</A>
    </DL><p>
    <DT><A HREF="https://top.example/" TAGS="imported">At the top</A>
</DL><p>
"""


def placement(html: bytes) -> dict[str, tuple[list[str], str, str]]:
    """Where each bookmark of a bookmark file sits: folder names, root container kind, icon."""
    entries = netscape.parse(html, ImportResult())
    return {entry.url: (entry.folder, entry.folder_root, entry.icon) for entry in entries}


def test_html_export_puts_every_bookmark_back_in_its_own_folder(client_of: Client, owner: Any) -> None:
    """Tags such as "imported" never move a bookmark: the export rebuilds the imported folders,
    the bookmarks-bar root and the icons (issue 15, item 5)."""
    import_file(client_of, "content:import_bookmarks", "bookmarks.html", ROUND_TRIP.encode())
    original = placement(ROUND_TRIP.encode())
    assert original["https://bar.example/"] == (["Bookmarks bar"], "toolbar", ICON_PNG)
    assert original["https://evil.example/"][2] == ""  # only images are kept as icons

    exported = client_of.get(reverse("content:export_bookmarks")).content
    assert placement(exported) == original
    assert b'<H3 PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>' in exported
    assert f'ICON="{ICON_PNG}"'.encode() in exported

    other = make_user()
    result = ImportResult()
    services.import_bookmarks(other, netscape.parse(exported, result), result)
    assert tags_by_url(other) == tags_by_url(owner)
    page = signed_in(other).get(reverse("content:bookmark_list")).content.decode()
    assert f'src="{ICON_PNG}"' in page  # the imported icon is shown


def test_archive_keeps_browser_folders_and_icons(client_of: Client, owner: Any) -> None:
    import_file(client_of, "content:import_bookmarks", "bookmarks.html", ROUND_TRIP.encode())
    services.create_bookmark(owner, url="https://made.here/", title="Made here", tags=["x"])
    first = archive_bytes(client_of)
    services.delete_items(owner.pk, "bookmark", Bookmark.objects.values_list("pk", flat=True))
    import_file(client_of, "content:import_archive", "archive.zip", first)
    assert comparable(archive_bytes(client_of)) == comparable(first)
    assert Bookmark.objects.get(url="https://made.here/").folder is None  # never in a browser folder
    exported = client_of.get(reverse("content:export_bookmarks")).content
    assert {url: place for url, place in placement(exported).items() if url != "https://made.here/"} == (
        placement(ROUND_TRIP.encode())
    )


def test_import_export_page_has_unique_element_ids(client_of: Client) -> None:
    """Three import forms on one page: each file input has its own id and label (issue 15 item 10)."""
    page = client_of.get(reverse("content:transfer")).content.decode()
    assert repeated_ids(page) == []
    assert page.count('type="file"') == 3  # browser file, Trackeep archive, another app's export
    refused = import_file(client_of, "content:import_bookmarks", "x.zip", b"not a zip")
    assert refused.status_code == 400 and repeated_ids(refused.content.decode()) == []
    partial = client_of.post(
        reverse("content:import_bookmarks"),
        {"file": SimpleUploadedFile("x.png", b"\x89PNG")},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'id="bookmark_form-file"' in partial  # the swapped-in form keeps its own ids


def test_archive_keeps_projects_and_task_schedules(client_of: Client, owner: Any) -> None:
    garden = services.create_project(owner, name="Garden", description="Spring")
    remind = dt.datetime(2031, 5, 6, 8, 30, tzinfo=dt.UTC)
    services.create_task(
        owner,
        title="Water",
        project=garden,
        recurrence="weekly",
        due_date=dt.date(2031, 5, 6),
        remind_at=remind,
    )
    first = archive_bytes(client_of)
    services.delete_items(owner.pk, "task", Task.objects.values_list("pk", flat=True))
    services.delete_items(owner.pk, "project", [garden.pk])
    response = import_file(client_of, "content:import_archive", "archive.zip", first)
    assert response.context["result"].added["project"] == 1
    assert comparable(archive_bytes(client_of)) == comparable(first)
    task = Task.objects.get(title="Water")
    assert (task.project.name, task.recurrence, task.remind_at) == ("Garden", "weekly", remind)

    other = make_user()  # a project of the same name there already: the tasks join it
    existing = services.create_project(other, name="garden")
    result = ImportResult()
    services.import_archive(other, archive_import.parse_document(comparable(first)["document"] | {
        "format": "trackeep-archive", "version": 1}, result), result)  # fmt: skip
    assert Task.objects.get(owner=other).project == existing and result.duplicates["project"] == 1
