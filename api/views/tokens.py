"""The "API and capture" page: personal API tokens (create, shown once, revoke), the browser
extension's settings, the bookmarklet and a link to the API reference."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from api import scopes, selectors, services
from api.forms import TokenForm
from api.models import ApiToken


def _page(request: HttpRequest, form: TokenForm, status: int = 200, **context: object) -> HttpResponse:
    rows = [(token, scopes.describe(token.scopes)) for token in selectors.tokens_of(request.user.pk)]
    context = {
        "form": form,
        "rows": rows,
        "instance_url": request.build_absolute_uri("/").rstrip("/"),
        **context,
    }
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """GET: the page; POST: create a token and show its secret once (never redirected to: the secret
    must not reach a URL, a log line or a cache)."""
    if request.method == "GET":
        return _page(request, TokenForm(preset=request.GET.get("preset")))
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    token, secret = services.create_token(
        request.user,
        name=form.cleaned_data["name"],
        scopes=form.cleaned_data["scopes"],
        expires_at=form.expires_at(),
    )
    response = _page(request, TokenForm(), created=token, secret=secret)
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user_id=request.user.pk)
    if request.method == "POST":
        services.revoke_token(token)
        messages.success(request, f"Revoked “{token.name}”: it is refused from now on.")
        return redirect("api_tokens:list")
    return render(request, "api/token_revoke.html", {"token": token, "scopes": scopes.describe(token.scopes)})
