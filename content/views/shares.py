"""Public share-link pages: anyone with an active link sees the file's page and may download it.

Unknown tokens answer 404; expired or revoked links answer 410 with a page saying so. Every visit,
to a real token or not, spends the client address's ``share_link`` budget, so tokens cannot be
guessed at speed. The file is
served with the same rules as the owner's download (``content.serving``).
"""

from __future__ import annotations

from typing import TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from content import selectors, services
from content.models import PublicLink, ShareLink
from content.serving import file_response
from content.sniff import describe
from core.ratelimit import per_view

PublicLinkT = TypeVar("PublicLinkT", bound=PublicLink)


def active_or_gone(request: HttpRequest, link: PublicLinkT | None) -> PublicLinkT | HttpResponse:
    """The link if it works; 404 for an unknown token, a 410 page for an expired or revoked link
    (file share links and collection links alike)."""
    if link is None:
        raise Http404("No such link.")
    if not link.is_active():
        return render(request, "content/shares/gone.html", {"link": link}, status=410)
    return link


def _link_or_gone(request: HttpRequest, token: str) -> ShareLink | HttpResponse:
    return active_or_gone(request, selectors.share_link_by_token(token))


@never_cache
@per_view.limit("share_link", per_view.client_address)  # unknown tokens spend it too: no enumeration
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    link = _link_or_gone(request, token)
    if isinstance(link, HttpResponse):
        return link
    context = {"link": link, "file": link.file, "kind_label": describe(link.file.content_type)}
    return render(request, "content/shares/public.html", context)


@never_cache
@per_view.limit("share_link", per_view.client_address)
def share_download(request: HttpRequest, token: str) -> HttpResponse:
    link = _link_or_gone(request, token)
    if isinstance(link, HttpResponse):
        return link
    response = file_response(link.file)
    services.count_share_download(link)
    return response
