"""Argument types for Trackeep's management commands: a bad number or address is a usage error.

argparse calls these on the raw text; an ``argparse.ArgumentTypeError`` becomes "error: argument
--name: <message>" and exit status 2 on the command line, and a ``CommandError`` under
``call_command``. Nothing out of range reaches a command's ``handle()``.
"""

from __future__ import annotations

import argparse
import ipaddress
import math
from collections.abc import Callable


def positive_int(text: str) -> int:
    """A whole number of at least 1 (an id, a count)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def seconds(maximum: float) -> Callable[[str], float]:
    """A duration in seconds greater than 0 and at most ``maximum``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"must be more than 0 seconds, not {text}")
        if value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum:g} seconds, not {text}")
        return value

    return parse


def ip_address(text: str) -> str:
    """An IPv4 or IPv6 address, in canonical form (``0:0::1`` -> ``::1``)."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an IP address (e.g. 203.0.113.7 or 2001:db8::1)"
        ) from None
