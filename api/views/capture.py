"""Capture pages for phones and the bookmarklet: the share target, its offline fallback and service
worker, and the web app manifest that makes Trackeep a share target once installed.

``/share/?url=&title=&text=`` is where the bookmarklet and the phone's share menu send a page: it
shows a small form (address, title, description, tags) and saves through ``api.services.save_url``,
so sharing a page twice keeps one bookmark. Android often puts the address inside ``text``; it is
taken from there when ``url`` is empty.

The service worker is served from ``/share/sw.js``, so its scope is ``/share/`` and nothing else:
it only answers share navigations when the network is down, with an offline page that keeps the
shared address on screen (and a Retry button) instead of the browser's error page.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from api import services
from api.forms import ShareForm
from content import selectors
from content.models import TITLE_MAX, Bookmark
from content.urlkeys import url_hash

_ADDRESS = re.compile(r"https?://\S+", re.IGNORECASE)
# Punctuation that ends a sentence around an address in shared text, not the address itself.
TRAILING_PUNCTUATION = ".,;:!?)\"'\u00bb\u201d\u2019"
THEME_COLOR = "#2563eb"
BACKGROUND_COLOR = "#ffffff"


def shared_values(params: Any) -> dict[str, str]:
    """Form values from a share: the address (from ``url``, else found in ``text``), title, text."""
    url = str(params.get("url", "")).strip()
    text = str(params.get("text", "")).strip()
    if not url and (found := _ADDRESS.search(text)):
        url = found.group().rstrip(TRAILING_PUNCTUATION)
        text = (text[: found.start()] + text[found.end() :]).strip()
    return {"url": url, "title": str(params.get("title", "")).strip()[:TITLE_MAX], "description": text}


def _already_saved(owner_id: int, url: str) -> Bookmark | None:
    if not url:
        return None
    return Bookmark.objects.filter(owner_id=owner_id, url_hash=url_hash(url)).order_by("created_at").first()


@login_required
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest) -> HttpResponse:
    owner_id = request.user.pk
    if request.method == "GET":
        initial = shared_values(request.GET)
        form = ShareForm(initial=initial, owner_id=owner_id)
        existing = _already_saved(owner_id, initial["url"])
        return _share_page(request, form, existing)
    form = ShareForm(request.POST, owner_id=owner_id)
    if not form.is_valid():
        existing = _already_saved(owner_id, request.POST.get("url", ""))
        return _share_page(request, form, existing, status=400)
    bookmark, created = services.save_url(
        request.user,
        url=form.cleaned_data["url"],
        title=form.cleaned_data["title"],
        description=form.cleaned_data["description"],
        tags=form.cleaned_data["tag_names"],
    )
    return render(request, "api/share_saved.html", {"bookmark": bookmark, "created": created})


def _share_page(
    request: HttpRequest, form: ShareForm, existing: Bookmark | None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "existing": existing, "all_tags": selectors.owner_tags(request.user.pk)}
    return render(request, "api/share.html", context, status=status)


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows for a share made without a network (no user data in it)."""
    return render(request, "api/share_offline.html")


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    context = {
        "offline_url": reverse("capture:offline"),
        "assets": [static("css/trackeep.css"), static("js/capture.js")],
    }
    response = render(request, "api/sw.js", context, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: installable, and a share target for links and text."""
    icons = [
        {"src": static("capture/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("capture/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {"src": static("capture/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    document = {
        "name": "Trackeep",
        "short_name": "Trackeep",
        "description": "Your bookmarks, tasks, notes and files.",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": icons,
        "share_target": {
            "action": reverse("capture:share"),
            "method": "GET",
            "params": {"title": "title", "text": "text", "url": "url"},
        },
    }
    return JsonResponse(document, content_type="application/manifest+json")
