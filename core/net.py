"""Client addresses: ``X-Forwarded-For`` is believed only when the peer is a trusted proxy.

``TRUSTED_PROXIES`` lists proxy addresses or networks (CIDR). The client is the right-most address
in ``X-Forwarded-For`` that is not itself a trusted proxy, so a client cannot spoof its address by
sending its own header.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest


@lru_cache(maxsize=16)
def _networks(
    proxies: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent ``request``."""
    peer = str(request.META.get("REMOTE_ADDR", "") or "")
    if not _is_trusted(peer):
        return peer
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if not _is_trusted(address):
            return address
    return peer
