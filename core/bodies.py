"""Final response bodies cached per cache generation, with slots for what differs per request.

A hot read endpoint whose data is cached still paid, on every request, for building its form,
highlighting, rendering its template and encoding JSON from that data. Such an endpoint can instead
cache the body it sends, in its own cache family (so any write that bumps the family makes the body
unreachable with the data), keyed by the request's parameters (``request_digest``): a repeated
request is then one Redis read and a few string replacements.

What differs per request is rendered as a *slot*, a marker no content can contain (an HMAC of its
name under ``SECRET_KEY``, the same in every process sharing the cache), and ``fill`` replaces each
with its value when the body is served: the CSRF token, a timing. A body must not hold anything
else that varies per request (a CSP nonce, flash messages, the header), so only fragments and JSON
use this.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac

SALT = "trackeep.core.bodies.slot"
CSRF = "csrf"


@functools.cache
def _slot(name: str, secret: str) -> str:
    return f"tkslot{salted_hmac(SALT, name, secret=secret).hexdigest()[:24]}"


def slot(name: str) -> str:
    """The marker standing for ``name`` in a cached body (letters and digits only: survives escaping)."""
    from django.conf import settings

    return _slot(name, settings.SECRET_KEY)


def fill(body: str, values: Mapping[str, str]) -> str:
    """``body`` with each slot of ``values`` replaced by its value."""
    for name, value in values.items():
        body = body.replace(slot(name), value)
    return body


def csrf_value(request: HttpRequest) -> dict[str, str]:
    """The CSRF slot's value for ``request`` (as ``{% csrf_token %}`` would have rendered it)."""
    return {CSRF: get_token(request)}


def request_digest(request: HttpRequest, *extra: str) -> str:
    """A key part naming the request's query parameters (order-independent) and ``extra``."""
    pairs = sorted((name, value) for name, values in request.GET.lists() for value in values)
    text = "\x00".join([*extra, *(f"{name}={value}" for name, value in pairs)])
    return hashlib.sha256(text.encode()).hexdigest()[:32]
