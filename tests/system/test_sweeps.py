"""The authorization sweep (issue 11, fault suite scenario 5): every URL pattern that names an
object, found by walking the URL resolver (a URL added later is covered without listing it), is
asked by a signed-in user who owns nothing for every object the demo data created, by GET and by
POST: each answer must be 404 (or 405 for a method the view does not take), never the object, a
redirect after a change, or a 5xx. The owner, asking the same GET URLs, must get some object back,
so the ids tried are ones that exist. Then the bad-input sweep: every form the owner's pages show
and every JSON endpoint gets junk (NUL, 100,000 characters, huge numbers, markup, broken and deeply
nested JSON): no answer is a 5xx."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import ForeignKey

from api import scopes
from api import services as api_services
from api.models import ApiToken
from content import services as content_services
from content.models import ImportRun, ShareLink
from core import demo
from messaging.models import Conversation, Membership, Message
from search import services as search_services
from tests.factories import make_user, signed_in
from tests.system.urls_support import Route, routes

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# Object parameters: the converters and API path names that carry a database id.
ID_CONVERTERS = {"dbid", "int"}
# Other parameters get a fixed, valid-looking value; a new one fails the test until given here.
OTHER_VALUES = {"flag": "favorite"}
# Staff-only (admin), or objects shared with everyone by design: not swept for 404, only for 5xx.
SKIPPED_PREFIXES = ("admin/",)
SHARED_BY_DESIGN = {
    "marketplace/i/": "published marketplace items are public pages",
    "community/challenges/": "community challenges are open to every member",
    "community/u/": "member profiles are public",
    "learning/paths/": "published learning paths are open to every member",
    "learning/modules/": "modules of published paths are open to their path's members",
    "content/s/": "a share link's token is the capability itself",
    "marketplace/publish/": "a kind of item, not an object",
}
ALLOWED_FOR_STRANGER = {404, 405}
API_METHODS = ("patch", "put", "delete")


def own_conversations(user: Any) -> set[int]:
    """Conversations the sweeping user is in: the global channel (everyone is) and its notes to self."""
    return set(Conversation.objects.filter(memberships__user=user).values_list("pk", flat=True))


def own_tokens(user: Any) -> set[int]:
    """API tokens of the sweeping user (the one made for the sweep)."""
    return set(ApiToken.objects.filter(user=user).values_list("pk", flat=True))


# Objects of a route that the sweeping user may reach by design, by route prefix.
SHARED_OBJECTS = {"messages/c/": own_conversations, "accounts/tokens/": own_tokens}


IDS_PER_MODEL = 2


def owned_ids() -> list[int]:
    """The smallest primary keys of every model whose rows point at a user (the demo owners' objects),
    smallest first. Per model, because on PostgreSQL sequences are not reset between tests: one
    table's ids can all be larger than another table's."""
    user_model = get_user_model()
    ids: set[int] = set()
    for model in [*apps.get_models(), user_model]:
        if model._meta.app_label in ("auth", "admin", "sessions", "contenttypes"):
            continue
        if model is user_model or any(
            isinstance(f, ForeignKey) and f.related_model is user_model for f in model._meta.fields
        ):
            pks = model._default_manager.order_by("pk").values_list("pk", flat=True)[:IDS_PER_MODEL]
            ids.update(pk for pk in pks if isinstance(pk, int))
    return sorted(ids)


def is_id(converter: str, name: str) -> bool:
    return converter in ID_CONVERTERS or name.endswith("_id")


def object_routes() -> list[Route]:
    return [
        route
        for route in routes()
        if not route.template.startswith(SKIPPED_PREFIXES)
        and any(is_id(conv, name) for conv, name in route.params)
    ]


def shared(route: Route) -> bool:
    return route.template.startswith(tuple(SHARED_BY_DESIGN))


# Routes naming two objects: the real pairs (an object and one inside it) are tried as well.
REAL_PAIRS = {
    ("conversation_id", "message_id"): lambda: Message.objects.values_list("conversation_id", "pk"),
    ("conversation_id", "user_id"): lambda: Membership.objects.values_list("conversation_id", "user_id"),
    ("pk", "link_pk"): lambda: ShareLink.objects.values_list("file_id", "pk"),
}


def urls_for(route: Route, ids: list[int]) -> list[str]:
    """The route filled with each id (every id parameter the same id), and for a route naming two
    objects also with every real pair of them."""
    values = {name: OTHER_VALUES[name] for conv, name in route.params if name in OTHER_VALUES}
    id_names = [name for conv, name in route.params if name not in OTHER_VALUES]
    fillings = [dict.fromkeys(id_names, str(pk)) for pk in ids]
    pairs = REAL_PAIRS.get(tuple(id_names))
    if pairs is not None:
        fillings += [dict(zip(id_names, map(str, pair), strict=True)) for pair in pairs()]
    return [route.url(values | filling) for filling in fillings]


@pytest.fixture
def demo_world(settings: Any) -> dict[str, Any]:
    # The sweep asks thousands of URLs in a minute: no budget may answer for the views.
    settings.RATE_LIMIT_POLICIES = [{**row, "limit": 1_000_000} for row in settings.RATE_LIMIT_POLICIES]
    settings.RATELIMIT_ENABLE = False
    anchor = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
    demo.seed(users=2, items=8, seed=7, anchor=anchor)
    owner = demo.demo_users().first()
    # What the demo data does not make.
    content_services.create_project(owner, name="Sweep project")
    search_services.save_search(owner.pk, "Sweep search", {"q": ["x"]})
    ImportRun.objects.create(owner=owner, what="bookmarks", status=ImportRun.DONE)
    content_services.create_collection(owner.pk, "Sweep collection")
    return {"owner": owner, "stranger": make_user()}


def client_with_token(user: Any) -> Any:
    """The user's browser session, also sending an API token with every scope."""
    _, secret = api_services.create_token(user, name="sweep", scopes=scopes.ALL, expires_at=None)
    client = signed_in(user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def test_every_object_url_answers_404_to_a_user_who_does_not_own_it(demo_world: dict[str, Any]) -> None:
    stranger, owner = client_with_token(demo_world["stranger"]), client_with_token(demo_world["owner"])
    ids = owned_ids()  # after the clients: the tokens they hold are objects too
    statuses: Counter[int] = Counter()
    leaks: list[str] = []
    errors: list[str] = []
    unproven: list[str] = []
    swept = object_routes()
    for route in swept:
        unknown = [name for conv, name in route.params if not is_id(conv, name) and name not in OTHER_VALUES]
        assert not unknown, f"{route.template}: give {unknown} a value in OTHER_VALUES"
        owner_found = False
        by_design = next(
            (
                ids_of(demo_world["stranger"])
                for prefix, ids_of in SHARED_OBJECTS.items()
                if route.template.startswith(prefix)
            ),
            set(),
        )
        api = route.template.startswith("api/")
        methods = ("get", "post", *(API_METHODS if api else ()))
        # The API checks a body's schema before it runs the view: a 422 has looked nothing up.
        allowed = ALLOWED_FOR_STRANGER | ({422} if api else set())
        for url in urls_for(route, [pk for pk in ids if pk not in by_design]):
            if by_design and any(f"/{pk}/" in url for pk in by_design):
                continue
            for method in methods:
                body = {"data": "{}", "content_type": "application/json"} if method in API_METHODS else {}
                status = getattr(stranger, method)(url, **body).status_code
                statuses[status] += 1
                if status >= 500:
                    errors.append(f"{method.upper()} {url} -> {status}")
                elif status not in allowed and not shared(route):
                    leaks.append(f"{method.upper()} {url} -> {status}")
            if not owner_found and not shared(route):
                owner_found = owner.get(url).status_code not in (404,)
        if not owner_found and not shared(route):
            unproven.append(route.template)
    print(f"authorization sweep: {len(swept)} routes x {len(ids)} ids, {sum(statuses.values())} requests, "
          f"statuses {dict(sorted(statuses.items()))}")  # fmt: skip
    assert not errors, errors[:20]
    print("\n".join(leaks))
    assert not leaks, len(leaks)
    assert not unproven, f"the demo data has no object the owner can reach for: {unproven}"


# --- bad input --------------------------------------------------------------------------------

_FIELD = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"')
JUNK_VALUES = ["\x00nul", "x" * 100_000, "-1", "99999999999999999999999", "<script>alert(1)</script>", "[]"]
DESTRUCTIVE = ("delete", "revoke", "remove", "withdraw", "leave", "logout", "merge", "archive")
JSON_JUNK = [
    b"{",
    b"[" * 100_000 + b"]" * 100_000,
    b'{"title": {"a": [1, 2]}, "url": 5, "tags": "x"}',
    b"null",
]


def owner_urls(owner: Any, ids: list[int]) -> list[str]:
    """Every route filled so that the owner reaches an object (or with nothing to fill), harmless
    ones first so the destructive ones do not take the objects away before the others ran."""
    urls: list[str] = []
    for route in routes():
        if route.template.startswith(SKIPPED_PREFIXES) or route.template.startswith("content/s/"):
            continue
        if not route.params:
            urls.append(route.url({}))
            continue
        if any(not is_id(conv, name) and name not in OTHER_VALUES for conv, name in route.params):
            continue
        urls.extend(url for url in urls_for(route, ids)[:3] if owner.get(url).status_code != 404)
    return sorted(set(urls), key=lambda url: (any(word in url for word in DESTRUCTIVE), url))


def test_no_form_or_json_endpoint_answers_bad_input_with_a_500(demo_world: dict[str, Any]) -> None:
    owner = client_with_token(demo_world["owner"])
    owner.raise_request_exception = False
    statuses: Counter[int] = Counter()
    errors: list[str] = []
    urls = owner_urls(owner, owned_ids())
    for url in urls:
        if url.startswith("/api/"):
            attempts = [("post", {"data": body, "content_type": "application/json"}) for body in JSON_JUNK]
            attempts += [("patch", {"data": body, "content_type": "application/json"}) for body in JSON_JUNK]
        else:
            page = owner.get(url)
            readable = page.status_code == 200 and not page.streaming
            fields = sorted(set(_FIELD.findall(page.content.decode(errors="replace")))) if readable else []
            fields = [name for name in fields if name != "csrfmiddlewaretoken"] or ["q", "title", "name"]
            attempts = [("post", {"data": dict.fromkeys(fields, junk)}) for junk in JUNK_VALUES]
        for method, kwargs in attempts:
            status = getattr(owner, method)(url, **kwargs).status_code
            statuses[status] += 1
            if status >= 500:
                errors.append(f"{method.upper()} {url} -> {status}")
    counts = dict(sorted(statuses.items()))
    print(f"bad-input sweep: {len(urls)} URLs, {sum(statuses.values())} requests, statuses {counts}")
    assert not errors, errors
