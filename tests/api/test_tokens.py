"""Personal API tokens: created with a name, scopes and an expiry, shown once, stored as a digest,
last use recorded at most once a minute, revoked at once; admins see and revoke everyone's."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Session
from api import services
from api.models import ApiToken
from tests.api.conftest import ApiClient
from tests.factories import make_user, signed_in

pytestmark = pytest.mark.django_db
TOKENS = "/accounts/tokens/"


def create(client: Client, **fields: Any) -> Any:
    data = {"name": "Laptop", "scopes": ["bookmarks:read", "bookmarks:write"], "expires": "30", **fields}
    return client.post(TOKENS, data)


def test_secret_is_shown_once_and_only_its_digest_is_stored(client_of: Client, owner: Any) -> None:
    response = create(client_of)
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("tkp_") and len(secret) > 40
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=owner)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.prefix, token.digest, token.name}
    assert token.scopes == ["bookmarks:read", "bookmarks:write"]
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    page = client_of.get(TOKENS).content.decode()
    assert secret not in page and token.prefix in page and "Bookmarks: read, write" in page


def test_the_new_token_works_at_once(client_of: Client) -> None:
    secret = create(client_of).context["secret"]
    assert ApiClient(secret).get("/api/v1/token").json()["scopes"] == ["bookmarks:read", "bookmarks:write"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["root:all"]}, "scopes"),
        ({"expires": "5"}, "expires"),
    ],
)
def test_bad_token_forms_say_why_and_create_nothing(
    client_of: Client, fields: dict[str, Any], field: str
) -> None:
    response = create(client_of, **fields)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not ApiToken.objects.exists()


def test_presets_tick_the_extensions_scopes(client_of: Client) -> None:
    form = client_of.get(TOKENS, {"preset": "extension"}).context["form"]
    assert form.initial["scopes"] == ["bookmarks:read", "bookmarks:write", "tags:read"]


def test_never_expiring_tokens(client_of: Client, owner: Any) -> None:
    create(client_of, expires="never")
    assert ApiToken.objects.get(user=owner).expires_at is None


def test_revoking_asks_first_then_the_token_is_refused_at_once(client_of: Client, owner: Any) -> None:
    secret = create(client_of).context["secret"]
    token = ApiToken.objects.get(user=owner)
    api = ApiClient(secret)
    assert api.get("/api/v1/token").status_code == 200
    confirm = client_of.get(reverse("api_tokens:revoke", args=[token.pk]))
    assert confirm.status_code == 200 and "Revoke this token?" in confirm.content.decode()
    assert api.get("/api/v1/token").status_code == 200  # asking revoked nothing
    assert client_of.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 302
    refused = api.get("/api/v1/token")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "token_revoked"
    assert "revoked" in client_of.get(TOKENS).content.decode()


def test_other_users_tokens_cannot_be_revoked(
    client_of: Client, stranger: Any, token_for: Callable[..., str]
) -> None:
    secret = token_for(stranger)
    token = ApiToken.objects.get(user=stranger)
    assert client_of.get(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    assert client_of.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    assert ApiClient(secret).get("/api/v1/token").status_code == 200


def test_expired_tokens_and_deactivated_users_are_refused(owner: Any, token_for: Callable[..., str]) -> None:
    expired = token_for(owner, expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = ApiClient(expired).get("/api/v1/token")
    assert (response.status_code, response.json()["error"]["code"]) == (401, "token_expired")
    secret = token_for(owner)
    owner.is_active = False
    owner.save()
    response = ApiClient(secret).get("/api/v1/token")
    assert (response.status_code, response.json()["error"]["code"]) == (401, "invalid_token")


@pytest.mark.parametrize(
    "header", ["Bearer tkp_wrong", "Bearer ", "Bearer " + "x" * 500, "Basic dXNlcjpwYXNz"]
)
def test_unusable_credentials_are_401_with_the_error_body(owner: Any, header: str) -> None:
    response = Client(headers={"Authorization": header}).get("/api/v1/bookmarks")
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_last_use_is_written_at_most_once_a_minute(owner: Any, token_for: Callable[..., str]) -> None:
    api = ApiClient(token_for(owner))
    api.get("/api/v1/token", REMOTE_ADDR="203.0.113.7")
    token = ApiToken.objects.get(user=owner)
    assert token.last_used_ip == "203.0.113.7" and token.last_used_at is not None
    with CaptureQueriesContext(connection) as queries:
        api.get("/api/v1/token", REMOTE_ADDR="198.51.100.1")
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert ApiToken.objects.get(user=owner).last_used_ip == "203.0.113.7"
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - services.USE_WRITE_INTERVAL)
    api.get("/api/v1/token", REMOTE_ADDR="198.51.100.1")
    assert ApiToken.objects.get(user=owner).last_used_ip == "198.51.100.1"


def test_the_page_shows_when_and_where_a_token_was_last_used(client_of: Client, owner: Any) -> None:
    secret = create(client_of).context["secret"]
    ApiClient(secret).get("/api/v1/token", REMOTE_ADDR="203.0.113.7")
    assert "from 203.0.113.7" in client_of.get(TOKENS).content.decode()


def test_token_requests_create_no_session_and_need_no_csrf_token(
    owner: Any, token_for: Callable[..., str]
) -> None:
    api = ApiClient(token_for(owner))
    api.handler.enforce_csrf_checks = True
    response = api.send("post", "/api/v1/bookmarks", {"url": "https://example.com/"})
    assert response.status_code == 201
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert not Session.objects.exists()


def test_one_query_authenticates_a_token(owner: Any, token_for: Callable[..., str]) -> None:
    api = ApiClient(token_for(owner))
    api.get("/api/v1/token")  # the first use writes last_used_at
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/token").status_code == 200
    assert len(queries.captured_queries) == 1


def test_admins_list_everyones_tokens_and_revoke_them_after_confirming(
    owner: Any, stranger: Any, token_for: Callable[..., str]
) -> None:
    secrets = [token_for(owner), token_for(stranger)]
    admin = signed_in(make_user(is_staff=True, is_superuser=True))
    changelist = admin.get("/admin/api/apitoken/")
    assert changelist.status_code == 200
    page = changelist.content.decode()
    assert owner.username in page and stranger.username in page
    ids = [str(pk) for pk in ApiToken.objects.values_list("pk", flat=True)]
    confirm = admin.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": ids})
    assert confirm.status_code == 200 and "Revoke API tokens?" in confirm.content.decode()
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()
    admin.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": ids, "post": "yes"})
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 2
    assert [ApiClient(secret).get("/api/v1/token").status_code for secret in secrets] == [401, 401]
    assert admin.get("/admin/api/apitoken/add/").status_code == 403


def test_token_pages_need_a_signed_in_user(owner: Any) -> None:
    response = Client().get(TOKENS)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
