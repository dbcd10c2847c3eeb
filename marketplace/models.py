"""Marketplace models: published items, their reviews, downloads and hourly view counts.

An ``Item`` holds a snapshot of what its author published (``payload``, in the shape its kind
defines; for content kinds a Trackeep archive document), so later edits of the author's own
bookmarks or notes never change what others download. The database keeps every count the rankings
are built from (views per item per hour, downloads, rating sum and count, the Bayesian score), so
the Redis sorted sets (``marketplace.rankings``) can always be rebuilt from here.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
REVIEW_MAX = 2000
TAG_MAX = 40
VERSION_MAX = 20


class Category(models.TextChoices):
    PRODUCTIVITY = "productivity", "Productivity"
    DEVELOPMENT = "development", "Development"
    DESIGN = "design", "Design"
    RESEARCH = "research", "Research"
    LEARNING = "learning", "Learning"
    WRITING = "writing", "Writing"
    PERSONAL = "personal", "Personal"
    OTHER = "other", "Other"


class Licence(models.TextChoices):
    CC_BY = "CC-BY-4.0", "CC BY 4.0"
    CC_BY_SA = "CC-BY-SA-4.0", "CC BY-SA 4.0"
    CC0 = "CC0-1.0", "CC0 1.0 (public domain)"
    MIT = "MIT", "MIT"
    PERSONAL_USE = "personal-use", "Personal use only"


class MarketplaceSettings(models.Model):
    """The marketplace's site settings (a single row an admin edits)."""

    require_approval = models.BooleanField(
        default=False,
        help_text="New and edited items stay invisible to others until an admin approves them.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "marketplace settings"

    def __str__(self) -> str:
        return "Marketplace settings"

    @classmethod
    def load(cls) -> MarketplaceSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class Item(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting approval"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="marketplace_items"
    )
    kind = models.CharField(max_length=40, help_text="A key of marketplace.kinds.")
    title = models.CharField(max_length=TITLE_MAX)
    description = models.TextField(max_length=DESCRIPTION_MAX, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    licence = models.CharField(max_length=20, choices=Licence.choices, default=Licence.CC_BY)
    version = models.CharField(max_length=VERSION_MAX, default="1.0")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(max_length=100, blank=True, help_text="Where the author's snapshot came from.")
    payload = models.JSONField(default=dict, help_text="The published snapshot, in the kind's shape.")
    summary = models.CharField(max_length=200, blank=True, help_text="What the snapshot holds.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Counts kept by marketplace.services; the rankings in Redis are rebuilt from them.
    view_count = models.PositiveIntegerField(default=0, editable=False)
    download_count = models.PositiveIntegerField(default=0, editable=False)
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    rating_sum = models.PositiveIntegerField(default=0, editable=False)
    rating_score = models.FloatField(default=0.0, editable=False, help_text="Bayesian average.")
    # When a ranked value last changed: a rebuild re-applies what changed while it ran.
    ranked_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["status", "-published_at"], name="mkt_item_status_published"),
            models.Index(fields=["status", "category", "-published_at"], name="mkt_item_status_category"),
            models.Index(fields=["author", "-created_at"], name="mkt_item_author_created"),
            models.Index(fields=["ranked_at"], name="mkt_item_ranked_at"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def rating_average(self) -> float | None:
        return self.rating_sum / self.rating_count if self.rating_count else None


class ItemTag(models.Model):
    """A label on an item (lowercase), for browsing and search."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=TAG_MAX)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["item", "name"], name="mkt_itemtag_item_name"),
        ]
        indexes: ClassVar = [models.Index(fields=["name"], name="mkt_itemtag_name")]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """One user's rating (1-5 stars) and text for one item; editable, one per user and item."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    text = models.TextField(max_length=REVIEW_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["item", "user"], name="mkt_review_item_user"),
            models.CheckConstraint(condition=models.Q(stars__gte=1, stars__lte=5), name="mkt_review_stars"),
        ]
        indexes: ClassVar = [models.Index(fields=["item", "-updated_at"], name="mkt_review_item_updated")]

    def __str__(self) -> str:
        return f"{self.stars}★ on {self.item_id}"


class Download(models.Model):
    """A user added an item to their Trackeep: counted once per user and item."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["item", "user"], name="mkt_download_item_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} added {self.item_id}"


class ViewHour(models.Model):
    """Counted (de-duplicated) views of one item in one clock hour: the trending buckets' source."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="view_hours")
    hour = models.BigIntegerField(help_text="Unix time // 3600.")
    count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["item", "hour"], name="mkt_viewhour_item_hour"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["hour"], name="mkt_viewhour_hour"),
            models.Index(fields=["updated_at"], name="mkt_viewhour_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.count} views of {self.item_id} in hour {self.hour}"
