"""The comparison form of a bookmark's address: two addresses with the same key are the same page.

``url_key`` is conservative, so two different pages never share a key: the scheme and host are
lowercased (they are case-insensitive), a default port (``:80`` for http, ``:443`` for https) and the
``#fragment`` (never sent to the server) are dropped, and an empty path becomes ``/``. The path and
the query string are kept exactly as given (tracking parameters such as ``utm_source`` included:
some sites route on them). "Save this URL" (the API, the extension) and the importers find an
existing bookmark by its key, so saving ``HTTPS://Example.com:443/a#top`` again when
``https://example.com/a`` is kept adds nothing.

Bookmarks store ``url_hash``, the SHA-256 of the key (64 hex characters): an index on it stays small
and within every database's index-row limit, however long or non-ASCII the address is.
"""

from __future__ import annotations

import hashlib
from urllib.parse import SplitResult, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def url_key(url: str) -> str:
    """The key of ``url``; text that is not an absolute address is returned trimmed, unchanged."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:  # an unparseable port or IPv6 literal: compare as typed
        return text
    if not parts.scheme or not parts.netloc:
        return text
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    return urlunsplit(SplitResult(scheme, netloc, parts.path or "/", parts.query, ""))


def url_hash(url: str) -> str:
    """The SHA-256 (hex) of ``url``'s key: what ``Bookmark.url_hash`` stores and lookups compare."""
    return hashlib.sha256(url_key(url).encode("utf-8", "surrogatepass")).hexdigest()
