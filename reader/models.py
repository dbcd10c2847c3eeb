"""One reader copy per bookmark: the page's readable article, sanitised, with its fetch state."""

from __future__ import annotations

from django.db import models

from content.models import Bookmark

ERROR_MAX = 300
META_MAX = 300
URL_MAX = 2048


class ReaderCopy(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be fetched"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    bookmark = models.OneToOneField(Bookmark, on_delete=models.CASCADE, related_name="reader_copy")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    title = models.CharField(max_length=META_MAX, blank=True)
    byline = models.CharField(max_length=META_MAX, blank=True)
    # Sanitised with nh3 (reader.extraction.ALLOWED_TAGS): no images, scripts, styles or frames.
    html = models.TextField(blank=True)
    text = models.TextField(blank=True)
    reading_minutes = models.PositiveIntegerField(default=0)
    image_url = models.URLField("preview image URL", max_length=URL_MAX, blank=True)
    favicon_url = models.URLField("favicon URL", max_length=URL_MAX, blank=True)
    final_url = models.URLField("fetched from", max_length=URL_MAX, blank=True)
    error = models.CharField(max_length=ERROR_MAX, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    fetched_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "reader copy"
        verbose_name_plural = "reader copies"
        indexes = [models.Index(fields=["status"], name="reader_copy_status")]

    def __str__(self) -> str:
        return f"reader copy of bookmark {self.bookmark_id} ({self.status})"
