"""Credential changes, shared by every app process: the session auth hash each user's sessions carry.

Django's own ``get_user`` loads the user row on every request to compare the session's auth hash
(an HMAC of the password hash) with the current one, so a password change ends every other session.
The snapshot login (``accounts.authentication``) skips that query. It checks the hash against this
record instead: every password change (and deactivation, recorded as "" so that no session matches)
writes the new hash to ``accounts.CredentialChange``, and each process keeps a copy of the table,
read again at most every ``SESSION_REVOCATIONS_REFRESH_SECONDS`` (one indexed query). A session
whose hash differs from its user's record goes through Django's full check (one query), which signs
it out unless its hash is right after all (a session created after a ``SECRET_KEY`` rotation).

This is what makes a revocation stick where deleting the session could not reach: a Redis copy the
delete missed and no stale list names (a replica or backup restored from before), or an unlisted
session. Records older than one session lifetime are dropped: no session from before them lives.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.db import DatabaseError
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts.sessions.stale import RefreshInterval
from core.redis import ttl

logger = logging.getLogger("django.contrib.sessions")


class CredentialChanges:
    """This process's copy of the recent credential changes. Thread-safe."""

    def __init__(self) -> None:
        self._hashes: dict[int, tuple[str, dt.datetime]] = {}
        self._lock = threading.Lock()
        self._refresh = RefreshInterval()

    def record(self, user_id: int, auth_hash: str) -> None:
        """From now on, sessions of ``user_id`` are valid only with ``auth_hash``."""
        from accounts.models import CredentialChange

        now = timezone.now()
        with self._lock:
            self._hashes[user_id] = (auth_hash, now)
        try:
            CredentialChange.objects.update_or_create(
                user_id=user_id, defaults={"auth_hash": auth_hash, "changed_at": now}
            )
        except DatabaseError:
            logger.exception("could not share a credential change; only this process knows it")

    def refresh(self) -> None:
        """Learn the changes other processes recorded (when the interval is due)."""
        from accounts.models import CredentialChange

        if not self._refresh.due():
            return
        since = timezone.now() - dt.timedelta(seconds=ttl.SESSION)
        try:
            rows = list(
                CredentialChange.objects.filter(changed_at__gt=since).values_list(
                    "user_id", "auth_hash", "changed_at"
                )
            )
        except DatabaseError:
            logger.warning("could not read the shared credential changes")
            return
        with self._lock:
            known = {uid: entry for uid, entry in self._hashes.items() if entry[1] > since}
            for user_id, auth_hash, changed_at in rows:
                if user_id not in known or known[user_id][1] < changed_at:
                    known[user_id] = (auth_hash, changed_at)
            self._hashes = known

    def superseded(self, user_id: int, auth_hash: str | None) -> bool:
        """Did the user's credentials change since a session with ``auth_hash`` was made?"""
        self.refresh()
        entry = self._hashes.get(user_id)
        return entry is not None and not constant_time_compare(entry[0], auth_hash or "")


credential_changes = CredentialChanges()
