"""Learning paths: ordered modules with resources, enrolments, per-module progress and ratings.

A path belongs to its creator and is visible to others once published. Its modules are ordered by
``position``; each module lists resources: a link, or one of the creator's own bookmarks or notes
(shown as cards; deleting the bookmark or note removes the card). A learner enrols, marks modules
done (``ModuleProgress``) and the enrolment completes when every module is done. A learner may rate
a path 1 to 5 with an optional review, once (editable).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from content.models import URL_MAX, Bookmark, Note

TITLE_MAX = 200
TAGS_MAX = 300
MAX_TAGS = 8
MAX_MINUTES = 100_000


class LearningPath(models.Model):
    class Category(models.TextChoices):
        PROGRAMMING = "programming", "Programming"
        DATA = "data", "Data"
        DESIGN = "design", "Design"
        DEVOPS = "devops", "DevOps"
        SECURITY = "security", "Security"
        BUSINESS = "business", "Business"
        LANGUAGES = "languages", "Languages"
        SCIENCE = "science", "Science"
        PERSONAL = "personal", "Personal growth"
        OTHER = "other", "Other"

    class Difficulty(models.TextChoices):
        BEGINNER = "beginner", "Beginner"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_paths"
    )
    title = models.CharField(max_length=TITLE_MAX)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    difficulty = models.CharField(max_length=12, choices=Difficulty.choices, default=Difficulty.BEGINNER)
    estimated_minutes = models.PositiveIntegerField(
        "estimated duration (minutes)",
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)],
    )
    # Normalised tag names, lowercased and comma separated ("python, testing"): searched with the text.
    tags = models.CharField(max_length=TAGS_MAX, blank=True)
    is_published = models.BooleanField("published", default=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_featured = models.BooleanField("featured", default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["is_published", "category"], name="learning_path_pub_cat"),
            models.Index(fields=["creator", "-updated_at"], name="learning_path_creator"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [name for name in self.tags.split(", ") if name]

    def visible_to(self, user_id: int | None) -> bool:
        return self.is_published or self.creator_id == user_id


class Module(models.Model):
    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(max_length=TITLE_MAX)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("position", "id")

    def __str__(self) -> str:
        return self.title


class Resource(models.Model):
    class Kind(models.TextChoices):
        LINK = "link", "Link"
        BOOKMARK = "bookmark", "One of my bookmarks"
        NOTE = "note", "One of my notes"

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LINK)
    title = models.CharField(max_length=TITLE_MAX, blank=True)
    url = models.URLField("URL", max_length=URL_MAX, blank=True)
    bookmark = models.ForeignKey(Bookmark, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    note = models.ForeignKey(Note, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("position", "id")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(Q(kind="link") & ~Q(url="") & Q(bookmark__isnull=True) & Q(note__isnull=True))
                | (Q(kind="bookmark") & Q(bookmark__isnull=False) & Q(note__isnull=True))
                | (Q(kind="note") & Q(note__isnull=False) & Q(bookmark__isnull=True)),
                name="learning_resource_kind_matches",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.kind == self.Kind.BOOKMARK and self.bookmark:
            return self.title or self.bookmark.title
        if self.kind == self.Kind.NOTE and self.note:
            return self.title or self.note.title
        return self.title or self.url


class Enrollment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="enrollments")
    enrolled_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "path"], name="learning_enrollment_user_path"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.path_id}"


class ModuleProgress(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="progress")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["enrollment", "module"], name="learning_progress_once"),
        ]

    def __str__(self) -> str:
        return f"{self.module_id} done in {self.enrollment_id}"


class Rating(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="path_ratings")
    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="ratings")
    stars = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    review = models.TextField(blank=True, max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "path"], name="learning_rating_user_path"),
            models.CheckConstraint(condition=Q(stars__gte=1) & Q(stars__lte=5), name="learning_rating_stars"),
        ]

    def __str__(self) -> str:
        return f"{self.stars}/5 for {self.path_id}"
