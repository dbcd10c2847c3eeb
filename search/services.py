"""Writes of the search app: saved searches (the index itself is written by search.indexing)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from search.models import SavedSearch

MAX_SAVED_SEARCHES = 100


class SavedSearchRejected(ValueError):
    """The search cannot be saved; the message says why, in words for the page."""


def save_search(owner_id: int, name: str, params: dict[str, list[str]]) -> SavedSearch:
    """Save ``params`` (a search form's canonical parameters) as ``name`` for ``owner_id``."""
    mine = SavedSearch.objects.filter(owner_id=owner_id)
    if mine.count() >= MAX_SAVED_SEARCHES:
        raise SavedSearchRejected(
            f"You can keep up to {MAX_SAVED_SEARCHES} saved searches; delete one first."
        )
    taken = f"You already have a saved search called “{name}”."
    if mine.annotate(lname=Lower("name")).filter(lname=name.lower()).exists():
        raise SavedSearchRejected(taken)
    try:
        with transaction.atomic():
            return SavedSearch.objects.create(owner_id=owner_id, name=name, params=params)
    except IntegrityError as error:  # the same name saved concurrently
        raise SavedSearchRejected(taken) from error


def delete_saved_search(saved: SavedSearch) -> None:
    saved.delete()
