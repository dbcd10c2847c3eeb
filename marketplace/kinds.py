"""The registry of marketplace item kinds: what can be published and how a copy is installed.

A kind says where an author picks the thing to publish (``sources``), how it is frozen into the
item's ``payload`` when published (``snapshot``), how a reader's "Add to my Trackeep" copies it
(``install``) and how its page previews it. The content kinds (bookmark collection, note template,
task-list template) are registered by ``marketplace.apps`` from ``marketplace.content_kinds``, the
learning path from ``marketplace.learning_kinds``.

Extension point: a kind owned by another app's data is one more ``ItemKind`` passed to ``register``
in ``MarketplaceConfig.ready()``; nothing else in the marketplace (pages, rankings, reviews,
downloads) depends on the kind. Items of a kind that is not registered in this deployment stay
listed but cannot be added (``get`` raises ``UnknownKind``, the item page says so).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class SourceError(ValueError):
    """The chosen source cannot be published (empty, too large, not the author's): shown on the form."""


class UnknownKind(LookupError):
    """No kind with this key is registered in this deployment."""


@dataclass(frozen=True)
class Snapshot:
    """What ``ItemKind.snapshot`` froze: the payload stored on the item and a one-line summary."""

    payload: dict[str, Any]
    summary: str


@dataclass(frozen=True)
class Installed:
    """What ``ItemKind.install`` added to the reader's Trackeep (per kind of thing, e.g. "bookmark")."""

    added: dict[str, int] = field(default_factory=dict)
    skipped: int = 0

    @property
    def total(self) -> int:
        return sum(self.added.values())


@dataclass(frozen=True)
class ItemKind:
    key: str  # stored on Item.kind; [a-z_]+
    label: str  # "Bookmark collection"
    description: str  # one sentence on the publish page
    source_label: str  # the form field's label: "Tag", "Note"
    sources: Callable[[int], list[tuple[str, str]]]  # author id -> [(value, label)]
    snapshot: Callable[[int, str], Snapshot]  # author id, source value -> Snapshot (SourceError)
    install: Callable[[Any, dict[str, Any]], Installed]  # reader, payload -> Installed
    preview: Callable[[dict[str, Any]], dict[str, Any]]  # payload -> context for preview_template
    preview_template: str


_kinds: dict[str, ItemKind] = {}


def register(kind: ItemKind) -> ItemKind:
    """Add ``kind`` (idempotent for the same declaration; a different one under a taken key fails)."""
    existing = _kinds.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"item kind {kind.key!r} is already registered differently")
    _kinds[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    _kinds.pop(key, None)


def get(key: str) -> ItemKind:
    try:
        return _kinds[key]
    except KeyError:
        raise UnknownKind(key) from None


def all_kinds() -> list[ItemKind]:
    """The registered kinds, in registration order (the publish page lists them so)."""
    return list(_kinds.values())


def label(key: str) -> str:
    """A kind's label, or its key when it is not registered here."""
    kind = _kinds.get(key)
    return kind.label if kind else key.replace("_", " ").capitalize()
