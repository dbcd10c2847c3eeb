"""Writes for API tokens (create, revoke, note their use) and the API's "save this URL".

``save_url`` is built from ``content.services`` (the functions the pages use), so a bookmark saved
through the API or the extension sends the same change event, invalidates the same caches and is
indexed for search exactly like one saved from the form.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from api import scopes as scope_names
from api import tokens
from api.models import ApiToken
from content import services as content_services
from content import tagnames
from content.models import Bookmark
from content.urlkeys import url_hash
from core import audit
from core.redis import ttl

# last_used_at/last_used_ip are written at most this often per token, not on every request.
USE_WRITE_INTERVAL = dt.timedelta(seconds=ttl.MINUTE)


def create_token(
    user: Any, *, name: str, scopes: Iterable[str], expires_at: dt.datetime | None
) -> tuple[ApiToken, str]:
    """A new token of ``user`` and its secret (shown once: only its digest is stored)."""
    secret = tokens.new_secret()
    token = ApiToken.objects.create(
        user_id=user.pk,
        name=name.strip(),
        prefix=tokens.display_prefix(secret),
        digest=tokens.digest(secret),
        scopes=scope_names.clean(scopes),
        expires_at=expires_at,
    )
    audit.record(
        "token_created", actor=user, target=f"token:{token.pk}", name=token.name, scopes=token.scopes
    )
    return token, secret


def revoke_tokens(queryset: QuerySet[ApiToken]) -> int:
    """Revoke every not yet revoked token of ``queryset``; how many were revoked."""
    return queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def revoke_token(token: ApiToken) -> None:
    revoke_tokens(ApiToken.objects.filter(pk=token.pk))
    token.refresh_from_db(fields=["revoked_at"])


def note_use(token: ApiToken, address: str) -> None:
    """Record when and from where ``token`` was last used, at most once per ``USE_WRITE_INTERVAL``.
    The update is conditional, so concurrent requests on several instances write once between them."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < USE_WRITE_INTERVAL:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - USE_WRITE_INTERVAL)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now, last_used_ip=address or None)
    token.last_used_at, token.last_used_ip = now, address or None


# --- save this URL ----------------------------------------------------------------------------


def _lock_address(owner_id: int, key: str) -> None:
    """Serialise concurrent saves of one address by one owner until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock on (owner, address); SQLite already runs one
    writer at a time, and the existence check below happens inside that write transaction."""
    if connection.vendor != "postgresql":
        return
    number = int.from_bytes(hashlib.sha256(f"{owner_id}:{key}".encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])


def save_url(
    owner: Any, *, url: str, title: str = "", description: str = "", tags: Sequence[str] = ()
) -> tuple[Bookmark, bool]:
    """Keep ``url`` for ``owner`` once: ``(bookmark, created)``.

    An address the owner already has (same ``content.urlkeys`` key) is not added again; tags given
    now are added to it (nothing else changes), so repeating a save changes nothing."""
    key = url_hash(url)
    with transaction.atomic():
        _lock_address(owner.pk, key)
        existing = (
            Bookmark.objects.filter(owner_id=owner.pk, url_hash=key).order_by("created_at", "pk").first()
        )
        if existing is None:
            bookmark = content_services.create_bookmark(
                owner, url=url, title=title, description=description, tags=tags
            )
            return bookmark, True
        have = list(existing.tags.values_list("name", flat=True))
        merged = tagnames.unique([*have, *tags])
        if len(merged) != len(have):
            content_services.update_bookmark(existing, tags=merged)
        return existing, False
