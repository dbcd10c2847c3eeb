"""Token secrets: how they are made, recognised and hashed (no database access here)."""

from __future__ import annotations

import hashlib
import secrets

SECRET_PREFIX = "tkp_"  # "Trackeep personal": lets secret scanners and people recognise a token
SECRET_BYTES = 32  # 256 random bits
PREFIX_LENGTH = len(SECRET_PREFIX) + 8  # shown in lists: "tkp_AbCd1234…"
MAX_SECRET_LENGTH = 200  # anything longer is not one of ours: refused before hashing


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def display_prefix(secret: str) -> str:
    return secret[:PREFIX_LENGTH]
