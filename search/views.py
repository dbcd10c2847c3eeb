"""Search pages: the search page (live results through htmx), the header's quick results, the JSON
API, and saved searches (list, save, run, delete with confirmation)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from content import selectors as content_selectors
from core import bodies
from search import presenters, selectors, services
from search.caches import SEARCH
from search.forms import SavedSearchForm, SearchForm, querystring
from search.models import SavedSearch
from search.templatetags.search_extras import highlighted

QUICK_HITS = 5
TIMING = "timing"  # slots of a cached body (core.bodies): this request's time and whether it hit
CACHED = "cached"
TIMING_TEXT = "timing-text"


def _timing(took_ms: float, cached: bool) -> str:
    return f"{took_ms} ms (cached)" if cached else f"{took_ms} ms"


def _results(request: HttpRequest, form: SearchForm) -> dict[str, Any]:
    """Validate ``form``, run its search, and gather everything the results partial shows."""
    if not form.is_valid():
        return {"form": form, "result": None, "params": {}, "query": ""}
    params = form.canonical()
    search = form.params(request.GET.get("page"))
    result = selectors.search(request.user.pk, search)
    return {
        "form": form,
        "search": search,
        "result": result,
        "timing": _timing(result["took_ms"], result["cached"]),
        "params": params,
        "query": querystring(params),
        "kind_chips": presenters.kind_chips(params, result["counts"]),
        "filter_chips": presenters.filter_chips(params),
        "pages": presenters.page_queries(params, result["page"], result["pages"]),
        "selected_kinds": params.get("kind", []),
    }


def _cached_body(
    request: HttpRequest, name: str, render_body: Callable[[], tuple[int, str]], content_type: str
) -> HttpResponse:
    """The body ``render_body`` makes for this request's parameters, from the user's ``search``
    family (``core.bodies``): a repeated request builds no form and renders nothing. The timing
    and CSRF slots are filled per request."""
    started = time.perf_counter()
    found = SEARCH.get_or_compute(render_body, name, bodies.request_digest(request), user_id=request.user.pk)
    status, body = found.value
    took = round((time.perf_counter() - started) * 1000, 2)
    values = {
        TIMING: str(took),
        CACHED: "true" if found.hit else "false",
        TIMING_TEXT: _timing(took, found.hit),
    }
    if bodies.slot(bodies.CSRF) in body:
        values.update(bodies.csrf_value(request))
    return HttpResponse(bodies.fill(body, values), status=status, content_type=content_type)


def _results_fragment(request: HttpRequest) -> tuple[int, str]:
    context = _results(request, SearchForm(request.GET))
    context.update(oob=True, timing=bodies.slot(TIMING_TEXT))
    context["csrf_token"] = bodies.slot(bodies.CSRF)
    return 200, render_to_string("search/_results.html", context, request)


@login_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        response = _cached_body(
            request, "results-html", lambda: _results_fragment(request), "text/html; charset=utf-8"
        )
    else:
        context = _results(request, SearchForm(request.GET))
        context.update(
            all_tags=content_selectors.owner_tags(request.user.pk),
            saved_count=selectors.saved_search_count(request.user.pk),
        )
        response = render(request, "search/page.html", context)
    patch_vary_headers(response, ["HX-Request"])  # one URL, two bodies: never cache one for the other
    return response


def _quick_fragment(request: HttpRequest) -> tuple[int, str]:
    form = SearchForm({"q": request.GET.get("q", "")})
    search = form.params(per_page=str(QUICK_HITS)) if form.is_valid() else None
    if search is None or not (search.terms or search.filtered):
        return 200, ""
    result = selectors.search(request.user.pk, search)
    context = {"result": result, "query": querystring(form.canonical())}
    return 200, render_to_string("search/_quick_results.html", context, request)


@login_required
@require_GET
def quick(request: HttpRequest) -> HttpResponse:
    """The header's drop-down: the best few hits for what is typed, and a link to all results."""
    return _cached_body(request, "quick-html", lambda: _quick_fragment(request), "text/html; charset=utf-8")


def _hit_json(hit: dict[str, Any]) -> dict[str, Any]:
    data = {name: value for name, value in hit.items() if not name.endswith("_segments")}
    data["title_html"] = str(highlighted(hit["title_segments"]))
    data["snippet_html"] = str(highlighted(hit["snippet_segments"]))
    return data


def _api_body(request: HttpRequest) -> tuple[int, str]:
    form = SearchForm(request.GET)
    if not form.is_valid():
        errors = {"errors": {name: list(errors) for name, errors in form.errors.items()}}
        return 400, json.dumps(errors, cls=DjangoJSONEncoder)
    search = form.params(request.GET.get("page"), request.GET.get("per_page"))
    result = selectors.search(request.user.pk, search)
    fields = ("total", "page", "pages", "per_page", "counts", "corrected")
    data = {
        "query": form.cleaned_data["q"],
        "words": list(search.terms),
        **{name: result[name] for name in fields},
        "took_ms": bodies.slot(TIMING),
        "cached": bodies.slot(CACHED),
        "notices": form.notices,
        "hits": [_hit_json(hit) for hit in result["hits"]],
    }
    body = json.dumps(data, cls=DjangoJSONEncoder)
    # The slots stand for a number and a boolean: drop the quotes json.dumps put around them.
    for name in (TIMING, CACHED):
        body = body.replace(f'"{bodies.slot(name)}"', bodies.slot(name))
    return 200, body


@require_GET
def api(request: HttpRequest) -> HttpResponse:
    """The search as JSON: same parameters as the page, plus ``per_page`` (at most 50). The body is
    cached per parameters (``took_ms`` and ``cached`` describe this request)."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Sign in to search."}, status=401)
    return _cached_body(request, "api-json", lambda: _api_body(request), "application/json")


@login_required
@require_http_methods(["GET", "POST"])
def saved_list(request: HttpRequest) -> HttpResponse:
    """The saved searches; a POST saves the search given in the query string under a name."""
    name_form = SavedSearchForm(request.POST or None)
    search_form = SearchForm(request.GET) if request.method == "POST" else None
    if request.method == "POST" and name_form.is_valid() and search_form and search_form.is_valid():
        try:
            saved = services.save_search(
                request.user.pk, name_form.cleaned_data["name"], search_form.canonical()
            )
        except services.SavedSearchRejected as rejected:
            name_form.add_error("name", str(rejected))
        else:
            messages.success(request, f"Saved “{saved.name}”.")
            return redirect(reverse("search:page") + "?" + querystring(saved.params))
    if search_form is not None and not search_form.is_valid():
        name_form.add_error(None, "This search has invalid filters; fix them before saving it.")
    rows = [(saved, presenters.describe(saved.params)) for saved in selectors.saved_searches(request.user.pk)]
    context = {"rows": rows, "name_form": name_form, "query": request.GET.urlencode()}
    return render(request, "search/saved_list.html", context, status=400 if name_form.errors else 200)


def _own_saved(request: HttpRequest, pk: int) -> SavedSearch:
    return get_object_or_404(SavedSearch, pk=pk, owner_id=request.user.pk)


@login_required
@require_GET
def saved_run(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _own_saved(request, pk)
    return redirect(reverse("search:page") + "?" + querystring(saved.params))


@login_required
@require_http_methods(["GET", "POST"])
def saved_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _own_saved(request, pk)
    if request.method == "POST":
        services.delete_saved_search(saved)
        messages.success(request, f"Deleted the saved search “{saved.name}”.")
        return redirect("search:saved")
    context = {"saved": saved, "description": presenters.describe(saved.params)}
    return render(request, "search/saved_confirm_delete.html", context)
