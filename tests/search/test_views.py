"""Search pages: full page and htmx partial, bad input (never a 500), escaping, the JSON API, the
header's quick search, and saved searches."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from search.models import SavedSearch
from search.query import MAX_QUERY_LENGTH
from tests.factories import signed_in
from tests.search.conftest import Writer

PAGE = reverse("search:page")
API = reverse("search:api")
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_anonymous_visitors_are_sent_to_login_and_the_api_answers_401(client: Client, owner: Any) -> None:
    response = client.get(PAGE, {"q": "x"})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    response = client.get(API, {"q": "x"})
    assert response.status_code == 401 and response.json() == {"error": "Sign in to search."}


def test_the_page_shows_highlighted_hits_chips_with_counts_and_a_header_link(
    client_of: Client, owner: Any, write: Writer
) -> None:
    note = write.note(owner, "Quokka facts", "They live on Rottnest")
    write.task(owner, "Photograph a quokka")
    write.bookmark(owner, "Unrelated")
    page = client_of.get(PAGE, {"q": "quok"}).content.decode()
    assert f'href="/content/notes/{note.pk}/"><mark>Quokka</mark> facts</a>' in page
    assert "2 results" in page
    assert 'aria-current="true">All <span class="count">2</span>' in page
    assert 'Notes <span class="count">1</span>' in page and 'Bookmarks <span class="count">0</span>' in page
    assert 'name="q" value="quok"' in page
    assert 'class="quick-search"' not in page  # the page has its own search box
    home = client_of.get(reverse("content:note_list")).content.decode()
    assert 'class="quick-search"' in home and f'href="{PAGE}">Search</a>' in home


def test_htmx_requests_get_only_the_results_with_the_kind_inputs_out_of_band(
    client_of: Client, owner: Any, write: Writer
) -> None:
    write.note(owner, "Quokka facts")
    write.task(owner, "Quokka photo")
    response = client_of.get(PAGE, {"q": "quokka", "kind": "task"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "HX-Request" in response["Vary"]
    assert (
        '<span id="kind-inputs" hx-swap-oob="true"><input type="hidden" name="kind" value="task"></span>'
        in body
    )
    assert "<mark>Quokka</mark> photo" in body and "facts" not in body
    assert "1 result" in body and "1 results" not in body


def test_content_is_escaped_around_the_highlights(client_of: Client, owner: Any, write: Writer) -> None:
    write.note(owner, "<script>alert(1)</script> quokka", "<img src=x onerror=alert(2)> quokka")
    write.bookmark(owner, "Quokka js", url="https://example.org/a?b=<c>")
    body = client_of.get(PAGE, {"q": "quokka"}).content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>quokka</mark>" in body


def test_an_empty_query_shows_recent_items_and_a_hint(client_of: Client, owner: Any, write: Writer) -> None:
    body = client_of.get(PAGE).content.decode()
    assert "Nothing to search yet." in body
    write.note(owner, "Older")
    write.note(owner, "Newest")
    body = client_of.get(PAGE, {"q": "   "}).content.decode()
    assert "Recently updated" in body and "Type to search" in body
    assert body.index("Newest") < body.index("Older")


def test_a_long_query_is_shortened_with_a_message(client_of: Client, owner: Any, write: Writer) -> None:
    write.note(owner, "Quokka")
    body = client_of.get(PAGE, {"q": "quokka " + "x" * 500}).content.decode()
    assert f"Your search was shortened to {MAX_QUERY_LENGTH} characters." in body
    data = client_of.get(API, {"q": "quokka " * 40}).json()
    assert data["notices"] == [f"Your search was shortened to {MAX_QUERY_LENGTH} characters."]
    assert data["words"] == ["quokka"] and data["total"] == 1


@pytest.mark.parametrize(
    "query", ['"quokka', "quokka*", "quo:kka", "a & b | !c", "(quokka)", "quokka\x00", "\x00", "'; --", "%_"]
)
def test_query_syntax_and_nul_bytes_never_break_the_page(
    client_of: Client, owner: Any, write: Writer, query: str
) -> None:
    write.note(owner, "Quokka")
    assert client_of.get(PAGE, {"q": query}).status_code == 200
    assert client_of.get(API, {"q": query}).status_code == 200


def test_punctuation_alone_gets_a_hint(client_of: Client, db: None) -> None:
    data = client_of.get(API, {"q": "*** !!!"}).json()
    assert data["notices"] == ["Search for letters or digits: punctuation alone matches nothing."]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"kind": "spaceship"}, "kind", "Select a valid choice."),
        ({"status": "done"}, "status", "Select a valid choice."),
        ({"priority": "0"}, "priority", "Select a valid choice."),
        ({"favorite": "maybe"}, "favorite", "Select a valid choice."),
        ({"since": "yesterday"}, "since", "Enter a valid date."),
        ({"since": "0001-01-01"}, "since", "Pick a date between 1900 and 9998."),
        ({"until": "9999-12-31"}, "until", "Pick a date between 1900 and 9998."),
        ({"since": "2024-02-01", "until": "2024-01-01"}, "until", "The end date is before the start date."),
        ({"tag": [f"t{n}" for n in range(11)]}, "tag", "Pick at most 10 tags."),
        ({"tag": "x" * 101}, "tag", "A tag name has at most 100 characters."),
        ({"q": "x is:nope"}, "q", "Unknown “is:nope”: use is: with one of"),
        ({"q": "type:cats"}, "q", "Unknown “type:cats”: use type: with one of bookmark, file, note, task."),
        ({"q": " ".join(f"tag:t{n}" for n in range(11))}, "q", "Use at most 10 tag: operators"),
        ({"q": "tag:a", "tag": [f"t{n}" for n in range(10)]}, "tag", "Pick at most 10 tags, tag: operators"),
    ],
)
def test_invalid_filters_give_a_clear_message_not_an_error(
    client_of: Client, params: dict[str, Any], field: str, message: str
) -> None:
    response = client_of.get(PAGE, {"q": "x", **params})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing was searched: some filters are not valid." in body and message in body
    response = client_of.get(API, {"q": "x", **params})
    assert response.status_code == 400
    assert any(message in error for error in response.json()["errors"][field])


def test_bad_page_numbers_fall_back_to_a_valid_page(client_of: Client, owner: Any, write: Writer) -> None:
    for n in range(3):
        write.note(owner, f"Quokka {n}")
    for page in ("abc", "-4", "0", "99999999999999999999"):
        data = client_of.get(API, {"q": "quokka", "page": page, "per_page": "2"}).json()
        assert data["page"] in (1, 2) and len(data["hits"]) >= 1, page
    assert client_of.get(PAGE, {"q": "quokka", "page": "x"}).status_code == 200
    data = client_of.get(API, {"q": "quokka", "per_page": "1000"}).json()
    assert data["per_page"] == 50


def test_the_api_returns_hits_counts_and_timing(client_of: Client, owner: Any, write: Writer) -> None:
    note = write.note(owner, "Quokka <facts>", "about quokkas", tags=["Animals"])
    write.bookmark(owner, "Quokka site", url="https://quokka.example/", is_favorite=True)
    data = client_of.get(API, {"q": "quokka", "kind": "note", "tag": "animals"}).json()
    assert (data["query"], data["words"], data["total"], data["page"], data["pages"]) == (
        "quokka", ["quokka"], 1, 1, 1,
    )  # fmt: skip
    assert data["counts"] == {"bookmark": 0, "task": 0, "note": 1, "file": 0}
    assert data["took_ms"] >= 0 and data["cached"] is False
    (hit,) = data["hits"]
    assert hit["kind"] == "note" and hit["id"] == note.pk and hit["url"] == f"/content/notes/{note.pk}/"
    assert hit["title_html"] == "<mark>Quokka</mark> &lt;facts&gt;"
    assert hit["tags"] == ["Animals"] and "title_segments" not in hit
    assert client_of.get(API, {"q": "quokka", "kind": "note", "tag": "animals"}).json()["cached"] is True
    favourites = client_of.get(API, {"favorite": "yes"}).json()
    assert [h["title"] for h in favourites["hits"]] == ["Quokka site"] and favourites["hits"][0]["link"]


def test_quick_search_shows_a_few_hits_and_a_link_to_all(
    client_of: Client, owner: Any, write: Writer
) -> None:
    for n in range(7):
        write.note(owner, f"Quokka {n}")
    body = client_of.get(reverse("search:quick"), {"q": "quok"}, **HTMX).content.decode()
    assert body.count("<mark>Quokka</mark>") == 5
    assert f'href="{PAGE}?q=quok">All results (7)' in body
    assert client_of.get(reverse("search:quick"), {"q": " !! "}).content == b""


def test_a_corrected_typo_is_announced_on_the_page_the_api_and_the_quick_search(
    client_of: Client, owner: Any, write: Writer
) -> None:
    write.note(owner, "Quokka facts")
    page = client_of.get(PAGE, {"q": "quokak"}).content.decode()
    assert "showing results for <strong>quokka</strong>" in page and "<mark>Quokka</mark> facts" in page
    answer = client_of.get(API, {"q": "quokak"}).json()
    assert (answer["corrected"], answer["total"]) == (["quokka"], 1)
    assert client_of.get(API, {"q": "quokka"}).json()["corrected"] == []
    quick = client_of.get(reverse("search:quick"), {"q": "quokak"}, **HTMX).content.decode()
    assert "Results for <strong>quokka</strong>" in quick


def test_operators_work_in_the_page_and_the_quick_search(
    client_of: Client, owner: Any, write: Writer
) -> None:
    write.note(owner, "Quokka facts", tags=["animals/marsupials"])
    write.bookmark(owner, "Quokka site", is_favorite=True)
    page = client_of.get(PAGE, {"q": "quokka tag:animals"}).content.decode()
    assert "1 result" in page and "<mark>Quokka</mark> facts" in page and "site" not in page
    quick = client_of.get(reverse("search:quick"), {"q": "is:fav"}, **HTMX).content.decode()
    assert "Quokka site" in quick and "facts" not in quick


def test_bookmark_links_only_use_web_addresses(client_of: Client, owner: Any, write: Writer) -> None:
    write.bookmark(owner, "Quokka web", url="https://quokka.example/")
    body = client_of.get(PAGE, {"q": "quokka"}).content.decode()
    assert 'href="https://quokka.example/" rel="noopener noreferrer"' in body


def test_saving_listing_running_and_deleting_a_search(client_of: Client, owner: Any, write: Writer) -> None:
    write.note(owner, "Quokka", tags=["animals"])
    query = "q=quokka&kind=note&tag=animals"
    response = client_of.post(f"{reverse('search:saved')}?{query}", {"name": "  Marsupials  "})
    assert response.status_code == 302 and response["Location"] == f"{PAGE}?{query}"
    saved = SavedSearch.objects.get(owner=owner)
    assert (saved.name, saved.params) == (
        "Marsupials",
        {"q": ["quokka"], "kind": ["note"], "tag": ["animals"]},
    )

    listing = client_of.get(reverse("search:saved")).content.decode()
    assert "Marsupials" in listing and "“quokka”" in listing and "Tag: animals" in listing

    run = client_of.get(reverse("search:saved_run", args=[saved.pk]))
    assert run["Location"] == f"{PAGE}?{query}"

    duplicate = client_of.post(f"{reverse('search:saved')}?{query}", {"name": "marsupials"})
    assert (
        duplicate.status_code == 400
        and "You already have a saved search called" in duplicate.content.decode()
    )

    confirm = client_of.get(reverse("search:saved_delete", args=[saved.pk]))
    assert confirm.status_code == 200 and "Delete this saved search?" in confirm.content.decode()
    assert SavedSearch.objects.filter(pk=saved.pk).exists()
    deleted = client_of.post(reverse("search:saved_delete", args=[saved.pk]))
    assert deleted["Location"] == reverse("search:saved") and not SavedSearch.objects.exists()


def test_saving_needs_a_name_and_valid_filters(client_of: Client, db: None) -> None:
    response = client_of.post(f"{reverse('search:saved')}?q=x", {"name": "   "})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client_of.post(f"{reverse('search:saved')}?q=x&kind=zzz", {"name": "Bad"})
    assert response.status_code == 400 and "invalid filters" in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_another_users_saved_search_is_404(owner: Any, stranger: Any) -> None:
    saved = SavedSearch.objects.create(owner=owner, name="Mine", params={"q": ["x"]})
    other = signed_in(stranger)
    assert other.get(reverse("search:saved_run", args=[saved.pk])).status_code == 404
    assert other.get(reverse("search:saved_delete", args=[saved.pk])).status_code == 404
    assert other.post(reverse("search:saved_delete", args=[saved.pk])).status_code == 404
    assert "Mine" not in other.get(reverse("search:saved")).content.decode()
    assert SavedSearch.objects.filter(pk=saved.pk).exists()
