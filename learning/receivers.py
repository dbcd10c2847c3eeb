"""Invalidates the catalogue's cached families when a path's public face changes."""

from __future__ import annotations

from typing import Any

from learning.caches import FEATURED_PATHS, POPULAR_PATHS


def on_path_changed(sender: Any, **kwargs: Any) -> None:
    POPULAR_PATHS.invalidate()
    FEATURED_PATHS.invalidate()
