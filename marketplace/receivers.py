"""Keeps the rankings free of deleted items (an author's account deleted, an admin's delete)."""

from __future__ import annotations

from typing import Any

from marketplace import services
from marketplace.models import Item


def on_item_deleted(sender: Any, instance: Item, **kwargs: Any) -> None:
    services.forget_deleted([instance.pk])
