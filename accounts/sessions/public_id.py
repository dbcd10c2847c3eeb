"""Opaque ids for sessions, for pages and URLs that must point at one session without naming its key.

A session key is a bearer secret: whoever reads it can present it as a cookie. The Active sessions
page therefore shows and routes by ``public_id(key)``, an HMAC of the key under ``SECRET_KEY``: stable
for the session's life, useless as a cookie, and not reversible. A revocation looks the id up among
the owner's own sessions, so another user's id matches nothing (404).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "trackeep.accounts.session-public-id"
LENGTH = 32  # hex characters (128 bits)
PATTERN = re.compile(rf"[0-9a-f]{{{LENGTH}}}")


def public_id(session_key: str) -> str:
    return salted_hmac(SALT, session_key, algorithm="sha256").hexdigest()[:LENGTH]


def find(session_keys: Iterable[str], wanted: str) -> str | None:
    """The key among ``session_keys`` whose public id is ``wanted``, if any."""
    for key in session_keys:
        if constant_time_compare(public_id(key), wanted):
            return key
    return None
