"""Files: upload limits checked before storing, type checks by content, owner-only serving with
safe headers (inline only for the safe list), random storage names, blob removal on delete."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content import services, sniff
from content.models import StoredFile
from content.uploads import SizeLimitedUploadHandler, UploadRejected, upload_refused

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def stored_blobs(media_root: Path) -> list[Path]:
    uploads = media_root / "uploads"
    return [p for p in uploads.rglob("*") if p.is_file()] if uploads.exists() else []


def upload(client: Client, name: str, data: bytes, **fields: str) -> Any:
    return client.post(
        reverse("content:file_upload"),
        {"upload": SimpleUploadedFile(name, data, content_type="image/png"), **fields},
    )


def test_sniffing_by_content_not_by_name() -> None:
    assert sniff.sniff(PNG) == "image/png"
    assert sniff.sniff(PDF) == "application/pdf"
    assert sniff.sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF") == "image/jpeg"
    assert sniff.sniff(b"GIF89a\x01\x00") == "image/gif"
    assert sniff.sniff(b"RIFF\x24\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff.sniff(b"  \n" + HTML) == "text/html"
    assert sniff.sniff(b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>') == "image/svg+xml"
    assert sniff.sniff("plain text, déjà vu".encode()) == "text/plain"
    assert sniff.sniff(b"\x00\x01\x02binary") == "application/octet-stream"
    with pytest.raises(sniff.TypeMismatch):
        sniff.check_claim("page.png", sniff.sniff(HTML))
    sniff.check_claim("notes.txt", sniff.sniff(PNG))  # only the inline-safe extensions must match


def test_upload_stores_under_a_random_name_outside_static(
    client_of: Client, owner: Any, media_root: Path
) -> None:
    response = upload(client_of, "../../etc/holiday photo.png", PNG, tag_names="travel")
    assert response.status_code == 302
    stored = StoredFile.objects.get(owner=owner)
    assert stored.name == "holiday photo.png"
    assert (stored.content_type, stored.size) == ("image/png", len(PNG))
    assert stored.sha256 == hashlib.sha256(PNG).hexdigest()
    (blob,) = stored_blobs(media_root)
    assert blob.read_bytes() == PNG
    assert blob.parent.parent == media_root / "uploads"
    assert "holiday" not in str(blob) and blob.suffix == ""
    assert [t.name for t in stored.tags.all()] == ["travel"]


def test_safe_types_are_served_inline_with_protective_headers(client_of: Client, owner: Any) -> None:
    upload(client_of, "scan.pdf", PDF)
    stored = StoredFile.objects.get(owner=owner)
    response = client_of.get(reverse("content:file_download", args=[stored.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_other_types_are_attachments_never_inline(client_of: Client, owner: Any) -> None:
    upload(client_of, "page.html", HTML)
    upload(client_of, "drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>')
    for stored in StoredFile.objects.filter(owner=owner):
        response = client_of.get(reverse("content:file_download", args=[stored.pk]))
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Type"] == "application/octet-stream"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox"


def test_html_renamed_png_is_refused_and_nothing_stored(
    client_of: Client, owner: Any, media_root: Path
) -> None:
    response = upload(client_of, "cute-cat.png", HTML)
    assert response.status_code == 400
    assert "does not contain what its .png extension says" in response.content.decode()
    assert not StoredFile.objects.exists() and stored_blobs(media_root) == []
    # Renaming a stored file to a lying extension is refused too.
    upload(client_of, "page.html", HTML)
    stored = StoredFile.objects.get(owner=owner)
    rename = client_of.post(reverse("content:file_edit", args=[stored.pk]), {"name": "page.png"})
    assert rename.status_code == 400
    stored.refresh_from_db()
    assert stored.name == "page.html"


def test_oversized_upload_is_refused_with_a_clear_message_and_nothing_stored(
    client_of: Client, settings: Any, media_root: Path
) -> None:
    settings.CONTENT_UPLOAD_MAX_BYTES = 1024
    response = upload(client_of, "big.png", PNG + b"\x00" * 4096)
    assert response.status_code == 413
    assert "too large: files can be at most 1.0\xa0KB" in response.content.decode()
    assert not StoredFile.objects.exists() and stored_blobs(media_root) == []
    # Exactly at the limit is fine.
    assert upload(client_of, "ok.png", PNG + b"\x00" * (1024 - len(PNG))).status_code == 302


def test_size_handler_stops_before_any_byte_reaches_storage_handlers() -> None:
    request = RequestFactory().post("/")
    handler = SizeLimitedUploadHandler(request, limit=1000)
    handler.handle_raw_input(None, {}, content_length=5_000_000, boundary=b"x")
    with pytest.raises(StopUpload):
        handler.new_file("upload", "big.bin", "application/octet-stream", None)
    assert upload_refused(request)
    # Without a declared length (chunked), the running count stops it as soon as it passes the limit.
    streaming = SizeLimitedUploadHandler(RequestFactory().post("/"), limit=1000)
    streaming.handle_raw_input(None, {}, content_length=0, boundary=b"x")
    streaming.new_file("upload", "big.bin", "application/octet-stream", None)
    assert streaming.receive_data_chunk(b"a" * 600, 0) == b"a" * 600
    with pytest.raises(StopUpload):
        streaming.receive_data_chunk(b"a" * 600, 600)


def test_empty_upload_and_service_checks(owner: Any) -> None:
    with pytest.raises(UploadRejected):
        services.create_file(owner, upload=SimpleUploadedFile("empty.txt", b""))
    with pytest.raises(UploadRejected):
        services.create_file(owner, upload=SimpleUploadedFile("x.jpg", PNG))
    assert not StoredFile.objects.exists()


def test_only_the_owner_can_download_edit_or_delete(
    client_of: Client, stranger_client: Client, owner: Any
) -> None:
    upload(client_of, "private.pdf", PDF)
    stored = StoredFile.objects.get(owner=owner)
    for name in ("content:file_detail", "content:file_download", "content:file_edit", "content:file_delete"):
        assert stranger_client.get(reverse(name, args=[stored.pk])).status_code == 404
    anonymous = Client().get(reverse("content:file_download", args=[stored.pk]))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_delete_removes_the_blob_after_commit(
    client_of: Client, owner: Any, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    upload(client_of, "a.pdf", PDF)
    upload(client_of, "b.pdf", PDF + b"more")
    assert len(stored_blobs(media_root)) == 2
    ids = list(StoredFile.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of.post(reverse("content:file_bulk_delete"), {"ids": ids, "confirm": "yes"})
    assert response.status_code == 302
    assert not StoredFile.objects.exists() and stored_blobs(media_root) == []


def test_upload_page_and_errors_over_htmx(client_of: Client) -> None:
    page = client_of.get(reverse("content:file_upload"))
    assert page.status_code == 200 and b"Up to 10.0\xc2\xa0MB" in page.content
    missing = client_of.post(reverse("content:file_upload"), {}, HTTP_HX_REQUEST="true")
    assert missing.status_code == 400 and b'id="upload-panel"' in missing.content
    ok = client_of.post(
        reverse("content:file_upload"),
        {"upload": SimpleUploadedFile("a.pdf", PDF)},
        HTTP_HX_REQUEST="true",
    )
    assert ok.status_code == 200 and ok["HX-Redirect"] == reverse("content:file_list")


def test_upload_still_requires_csrf(owner: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(reverse("content:file_upload"), {"upload": SimpleUploadedFile("a.pdf", PDF)})
    assert response.status_code == 403
    assert not StoredFile.objects.exists()


def test_file_list_and_tag_page_queries_do_not_grow_with_rows(client_of: Client, owner: Any) -> None:
    def count(url: str) -> int:
        client_of.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client_of.get(url).status_code == 200
        return len(queries)

    services.create_file(owner, upload=SimpleUploadedFile("0.txt", b"0"), tags=["shared"])
    tag = owner.content_tags.get(name="shared")
    tag_page = reverse("content:tag_detail", args=[tag.pk])
    few = (count(reverse("content:file_list")), count(tag_page), count(reverse("content:tag_list")))
    for n in range(1, 10):
        services.create_file(owner, upload=SimpleUploadedFile(f"{n}.txt", b"n"), tags=["shared", f"t{n}"])
        services.create_bookmark(owner, url=f"https://{n}.example", title=str(n), tags=["shared"])
    many = (count(reverse("content:file_list")), count(tag_page), count(reverse("content:tag_list")))
    assert few == many
