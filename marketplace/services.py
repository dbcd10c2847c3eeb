"""Marketplace writes: publish, edit, withdraw, moderate, count views, review, add to my Trackeep.

The database is written first and keeps every count; the sorted sets in Redis follow
(``marketplace.rankings``). Reviews and downloads lock their item's row, recompute its counts and
write the absolute score to Redis while the lock is held, so two concurrent writers can neither lose
a count nor leave an older score in Redis. A Redis outage never fails a write: it is logged and
the next write, or ``manage.py rebuild_rankings``, repairs the ranking. Entering or leaving the
published set invalidates the ``marketplace`` family (category counts). A first "Add to my
Trackeep" announces ``marketplace.events.item_added`` after commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from core.events import announce
from core.redis.errors import RedisUnavailable
from marketplace import events, kinds, rankings
from marketplace.caches import MARKETPLACE
from marketplace.models import Download, Item, ItemTag, MarketplaceSettings, Review, ViewHour
from marketplace.rating import bayesian_score

logger = logging.getLogger(__name__)

MAX_TAGS = 10
ITEM_FIELDS = ("title", "description", "category", "licence", "version")
Status = Item.Status


class MarketplaceError(Exception):
    """Bad input or a state that forbids the action; the message is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _redis(action: str, write: Callable[[], None]) -> None:
    """Apply a ranking write; an outage is logged (the database has the truth, a rebuild repairs)."""
    try:
        write()
    except RedisUnavailable as error:
        logger.warning("marketplace ranking not updated (%s): %s", action, error)


def clean_tags(names: Iterable[str]) -> list[str]:
    """Lowercase, trimmed, unique item tags (at most ``MAX_TAGS``, each at most 40 characters)."""
    result: list[str] = []
    for raw in names:
        name = " ".join(raw.split()).lower()[:40].strip()
        if name and name not in result:
            result.append(name)
    return result[:MAX_TAGS]


def _set_tags(item: Item, names: Sequence[str]) -> None:
    ItemTag.objects.filter(item=item).exclude(name__in=names).delete()
    ItemTag.objects.bulk_create([ItemTag(item=item, name=n) for n in names], ignore_conflicts=True)


def _entered(item: Item) -> None:
    """After commit: a newly published item enters the rankings and the category counts."""

    def apply() -> None:
        _redis("publish", lambda: rankings.add_item(item.pk, item.rating_score, item.download_count))
        MARKETPLACE.invalidate()

    transaction.on_commit(apply)


def _left(item_ids: Sequence[int]) -> None:
    """After commit: items that are no longer published leave the rankings and the counts."""

    def apply() -> None:
        _redis("unpublish", lambda: rankings.remove_items(item_ids))
        MARKETPLACE.invalidate()

    transaction.on_commit(apply)


def _publish_state(item: Item, now: dt.datetime) -> None:
    if MarketplaceSettings.load().require_approval:
        item.status = Status.PENDING
    else:
        item.status = Status.PUBLISHED
        item.published_at = item.published_at or now


# --- authors --------------------------------------------------------------------------------------


def publish(author: Any, kind_key: str, source: str, *, tags: Iterable[str] = (), **fields: Any) -> Item:
    """Snapshot ``source`` as a new item of kind ``kind_key`` (published at once, or pending approval
    when the site requires it). ``SourceError``/``UnknownKind`` for a source that cannot be published."""
    kind = kinds.get(kind_key)
    snapshot = kind.snapshot(author.pk, source)
    now = timezone.now()
    item = Item(
        author=author, kind=kind.key, source=source, payload=snapshot.payload, summary=snapshot.summary
    )
    _set_fields(item, fields)
    item.created_at = item.updated_at = item.ranked_at = now
    item.rating_score = bayesian_score(0, 0)
    _publish_state(item, now)
    with transaction.atomic():
        item.save(force_insert=True)
        _set_tags(item, clean_tags(tags))
        if item.is_published:
            _entered(item)
    return item


def _set_fields(item: Item, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"cannot set {sorted(unknown)} on an item")
    for name, value in fields.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)


def update_item(item: Item, *, tags: Iterable[str], refresh: bool = False, **fields: Any) -> Item:
    """Edit an item's details; ``refresh`` snapshots its source again (what others will download).
    With approval required, an edited item waits for approval again."""
    was_published = item.is_published
    now = timezone.now()
    if refresh:
        snapshot = kinds.get(item.kind).snapshot(item.author_id, item.source)
        item.payload, item.summary = snapshot.payload, snapshot.summary
    _set_fields(item, fields)
    item.updated_at = now
    if item.status in (Status.PUBLISHED, Status.PENDING):
        _publish_state(item, now)
    with transaction.atomic():
        item.save()
        _set_tags(item, clean_tags(tags))
        if was_published != item.is_published:
            Item.objects.filter(pk=item.pk).update(ranked_at=now)
            if item.is_published:  # pending while approval was required; no longer required
                _entered(item)
            else:
                _left([item.pk])
    return item


def withdraw(item: Item) -> Item:
    """The author takes the item down: nobody else can see or add it any more (reviews are kept)."""
    with transaction.atomic():
        was_published = item.is_published
        item.status = Status.WITHDRAWN
        item.updated_at = item.ranked_at = timezone.now()
        item.save(update_fields=["status", "updated_at", "ranked_at"])
        if was_published:
            _left([item.pk])
    return item


def republish(item: Item) -> Item:
    """A withdrawn (or rejected, after edits) item is offered again, subject to approval."""
    if item.status not in (Status.WITHDRAWN, Status.REJECTED):
        return item
    now = timezone.now()
    with transaction.atomic():
        _publish_state(item, now)
        item.updated_at = item.ranked_at = now
        item.save(update_fields=["status", "published_at", "updated_at", "ranked_at"])
        if item.is_published:
            _entered(item)
    return item


# --- moderation (admins) --------------------------------------------------------------------------


def approve(items: Iterable[Item]) -> int:
    """Publish pending (or rejected) items; returns how many changed."""
    now = timezone.now()
    count = 0
    with transaction.atomic():
        for item in items:
            if item.is_published or item.status == Status.WITHDRAWN:
                continue
            item.status = Status.PUBLISHED
            item.published_at = item.published_at or now
            item.ranked_at = now
            item.save(update_fields=["status", "published_at", "ranked_at"])
            _entered(item)
            count += 1
    return count


def reject(items: Iterable[Item]) -> int:
    """Refuse pending items (or take published ones down); returns how many changed."""
    now = timezone.now()
    left, count = [], 0
    with transaction.atomic():
        for item in items:
            if item.status == Status.REJECTED:
                continue
            if item.is_published:
                left.append(item.pk)
            item.status = Status.REJECTED
            item.ranked_at = now
            item.save(update_fields=["status", "ranked_at"])
            count += 1
        if left:
            _left(left)
    return count


def forget_deleted(item_ids: Sequence[int]) -> None:
    """Deleted items (admin, or their author's account) leave the rankings after the commit."""
    _left(list(item_ids))


# --- readers --------------------------------------------------------------------------------------


def record_view(item: Item, viewer_id: int, *, clock: rankings.Clock = timezone.now) -> bool:
    """Count a view of a published item by someone other than its author, at most once per viewer and
    clock hour. The hour's count is also kept in the database (``ViewHour``) for rebuilds. Without
    Redis nothing is counted: there is no way to de-duplicate, and a missed view costs less than an
    inflated trending list."""
    if not item.is_published or viewer_id == item.author_id:
        return False
    moment = clock()
    try:
        counted = rankings.count_view(item.pk, viewer_id, moment)
    except RedisUnavailable as error:
        logger.warning("marketplace view not counted: %s", error)
        return False
    if counted:
        hour = rankings.hour_of(moment)
        now = timezone.now()
        with transaction.atomic():
            if not ViewHour.objects.filter(item=item, hour=hour).update(count=F("count") + 1, updated_at=now):
                try:
                    with transaction.atomic():
                        ViewHour.objects.create(item=item, hour=hour, count=1, updated_at=now)
                except IntegrityError:  # another process created the hour's row first
                    ViewHour.objects.filter(item=item, hour=hour).update(count=F("count") + 1, updated_at=now)
            Item.objects.filter(pk=item.pk).update(view_count=F("view_count") + 1)
    return counted


def _readable(user: Any, item: Item) -> None:
    if not item.is_published:
        raise MarketplaceError("This item is not published.")
    if item.author_id == user.pk:
        raise MarketplaceError("This is your own item.")


def save_review(user: Any, item: Item, *, stars: int, text: str) -> Review:
    """Create or edit the user's review of ``item`` and re-score it (one review per user and item)."""
    _readable(user, item)
    if not 1 <= int(stars) <= 5:
        raise MarketplaceError("Give one to five stars.")
    now = timezone.now()
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        review, created = Review.objects.get_or_create(
            item=locked,
            user_id=user.pk,
            defaults={"stars": stars, "text": text, "created_at": now, "updated_at": now},
        )
        if not created:
            review.stars, review.text, review.updated_at = stars, text, now
            review.save(update_fields=["stars", "text", "updated_at"])
        _rescore(locked, now)
    return review


def delete_review(user: Any, item: Item) -> bool:
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        deleted, _ = Review.objects.filter(item=locked, user_id=user.pk).delete()
        if deleted:
            _rescore(locked, timezone.now())
    return bool(deleted)


def _rescore(locked: Item, now: dt.datetime) -> None:
    """Recount a locked item's reviews, store the Bayesian score and write it to top rated."""
    totals = Review.objects.filter(item=locked).aggregate(n=Count("pk"), s=Sum("stars"))
    count, total = totals["n"] or 0, totals["s"] or 0
    score = bayesian_score(total, count)
    Item.objects.filter(pk=locked.pk).update(
        rating_count=count, rating_sum=total, rating_score=score, ranked_at=now
    )
    if locked.is_published:
        _redis("review", lambda: rankings.set_top_rated(locked.pk, score))


@dataclass(frozen=True)
class Added:
    """What "Add to my Trackeep" did: ``first`` is False when the user had added the item before."""

    first: bool
    installed: kinds.Installed


def add_to_trackeep(user: Any, item: Item) -> Added:
    """Copy ``item`` into the user's own content, once: a second call adds nothing and counts no
    download. The copy and the download row commit together (one transaction)."""
    _readable(user, item)
    try:
        kind = kinds.get(item.kind)
    except kinds.UnknownKind:
        raise MarketplaceError("This kind of item cannot be added on this site.") from None
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        if Download.objects.filter(item=locked, user_id=user.pk).exists():
            return Added(first=False, installed=kinds.Installed())
        try:
            installed = kind.install(user, locked.payload)
        except kinds.SourceError as error:
            raise MarketplaceError(f"This item cannot be added: {error}") from error
        Download.objects.create(item=locked, user_id=user.pk)
        Item.objects.filter(pk=locked.pk).update(
            download_count=F("download_count") + 1, ranked_at=timezone.now()
        )
        count = Item.objects.values_list("download_count", flat=True).get(pk=locked.pk)
        _redis("download", lambda: rankings.set_downloads(locked.pk, count))
        announce("item_added", events.item_added, Item, user_id=user.pk, item_id=locked.pk)
    return Added(first=True, installed=installed)
