"""Writes of the learning app: paths and their modules and resources, enrolment, progress, ratings.

Every operation is one transaction. Changes to what the catalogue shows announce
``path_changed`` (learning's own receivers invalidate the popular and featured families); a
learner's actions announce ``learning_changed`` (analytics: activity, streak, dashboard,
recommendations). Both are sent after commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from content.models import Bookmark, Note
from core.events import announce
from learning import events
from learning.models import Enrollment, LearningPath, Module, ModuleProgress, Rating, Resource

PATH_FIELDS = ("title", "description", "category", "difficulty", "estimated_minutes", "tags", "is_published")


class NotAllowed(ValueError):
    """The user may not do this to the path (not published, their own path, not enrolled...)."""


def _catalogue(path: LearningPath, action: str) -> None:
    announce("path_changed", events.path_changed, LearningPath, path_id=path.pk, action=action)


def _learner(user_id: int, path_id: int, action: str, *moments: dt.datetime) -> None:
    announce(
        "learning_changed",
        events.learning_changed,
        LearningPath,
        user_id=user_id,
        action=action,
        path_id=path_id,
        moments=moments,
    )


def _touch(path: LearningPath, now: dt.datetime | None = None) -> None:
    """A path's content changed: stamp it, and tell the catalogue if the public can see it."""
    path.updated_at = now or timezone.now()
    LearningPath.objects.filter(pk=path.pk).update(updated_at=path.updated_at)
    if path.is_published:
        _catalogue(path, events.UPDATED)


# --- paths ----------------------------------------------------------------------------------


def _apply(path: LearningPath, fields: dict[str, Any], now: dt.datetime) -> str | None:
    """Set ``fields``; returns the catalogue action the change means (or None).

    Whether the path was published is read from the database: a bound ModelForm has already
    copied the submitted values onto the instance.
    """
    unknown = set(fields) - set(PATH_FIELDS)
    if unknown:
        raise TypeError(f"cannot set {sorted(unknown)} on a learning path")
    was_published = (
        path.pk is not None and LearningPath.objects.filter(pk=path.pk, is_published=True).exists()
    )
    for name, value in fields.items():
        setattr(path, name, value)
    path.title = path.title.strip()
    path.updated_at = now
    if path.is_published and not was_published:
        path.published_at = path.published_at or now
        return events.PUBLISHED
    if was_published and not path.is_published:
        return events.UNPUBLISHED
    return events.UPDATED if path.is_published else None


def create_path(creator: Any, **fields: Any) -> LearningPath:
    now = timezone.now()
    path = LearningPath(creator_id=creator.pk, created_at=now)
    action = _apply(path, fields, now)
    with transaction.atomic():
        path.save()
        if action:
            _catalogue(path, action)
    return path


def update_path(path: LearningPath, **fields: Any) -> LearningPath:
    action = _apply(path, fields, timezone.now())
    with transaction.atomic():
        path.save()
        if action:
            _catalogue(path, action)
    return path


def _completions(**filters: Any) -> dict[int, list[dt.datetime]]:
    """``{learner id: completion times}`` of the progress rows matching ``filters``."""
    found: dict[int, list[dt.datetime]] = {}
    rows = ModuleProgress.objects.filter(**filters).values_list("enrollment__user_id", "completed_at")
    for user_id, completed_at in rows:
        found.setdefault(user_id, []).append(completed_at)
    return found


def delete_path(path: LearningPath) -> None:
    """Delete a path with its modules, enrolments and progress (the page asks first)."""
    with transaction.atomic():
        was_published, path_id = path.is_published, path.pk
        learners = set(Enrollment.objects.filter(path=path).values_list("user_id", flat=True))
        completions = _completions(enrollment__path=path)
        path.delete()
        path.pk = path_id
        if was_published:
            _catalogue(path, events.DELETED)
        for user_id in learners:
            _learner(user_id, path_id, events.UNENROLLED, *completions.get(user_id, ()))


def set_featured(path: LearningPath, featured: bool) -> LearningPath:
    """Staff only (the view checks): show the path in the catalogue's featured row."""
    with transaction.atomic():
        LearningPath.objects.filter(pk=path.pk).update(is_featured=featured)
        path.is_featured = featured
        _catalogue(path, events.FEATURED)
    return path


@dataclass(frozen=True)
class ResourceCopy:
    """A card of a copied path: a link (``url``), or the new owner's bookmark or note (by id)."""

    kind: str
    title: str = ""
    url: str = ""
    bookmark_id: int | None = None
    note_id: int | None = None


@dataclass(frozen=True)
class ModuleCopy:
    title: str
    description: str = ""
    resources: tuple[ResourceCopy, ...] = ()


def copy_path(owner: Any, *, fields: dict[str, Any], modules: list[ModuleCopy]) -> LearningPath:
    """A new draft path of ``owner`` with these modules and cards, in one transaction (a shared
    path added from the marketplace). Cards of bookmarks or notes that are not the owner's are
    dropped; the owner publishes the copy themselves if they want to."""
    bookmark_ids = {r.bookmark_id for m in modules for r in m.resources if r.bookmark_id}
    note_ids = {r.note_id for m in modules for r in m.resources if r.note_id}
    own_bookmarks = set(
        Bookmark.objects.filter(owner_id=owner.pk, pk__in=bookmark_ids).values_list("pk", flat=True)
    )
    own_notes = set(Note.objects.filter(owner_id=owner.pk, pk__in=note_ids).values_list("pk", flat=True))
    with transaction.atomic():
        path = create_path(owner, **{**fields, "is_published": False})
        rows = Module.objects.bulk_create(
            [
                Module(path=path, title=m.title.strip(), description=m.description, position=n)
                for n, m in enumerate(modules)
            ]
        )
        Resource.objects.bulk_create(
            [
                Resource(
                    module=module,
                    kind=r.kind,
                    title=r.title.strip(),
                    url=r.url if r.kind == Resource.Kind.LINK else "",
                    bookmark_id=r.bookmark_id if r.kind == Resource.Kind.BOOKMARK else None,
                    note_id=r.note_id if r.kind == Resource.Kind.NOTE else None,
                    position=n,
                )
                for module, m in zip(rows, modules, strict=True)
                for n, r in enumerate(
                    card
                    for card in m.resources
                    if (card.kind == Resource.Kind.LINK and card.url)
                    or (card.kind == Resource.Kind.BOOKMARK and card.bookmark_id in own_bookmarks)
                    or (card.kind == Resource.Kind.NOTE and card.note_id in own_notes)
                )
            ]
        )
    return path


# --- modules and resources ------------------------------------------------------------------


def add_module(path: LearningPath, *, title: str, description: str = "") -> Module:
    with transaction.atomic():
        last = path.modules.aggregate(last=Max("position"))["last"]
        module = Module.objects.create(
            path=path, title=title.strip(), description=description, position=0 if last is None else last + 1
        )
        _touch(path)
    return module


def update_module(module: Module, *, title: str, description: str) -> Module:
    module.title, module.description = title.strip(), description
    with transaction.atomic():
        module.save(update_fields=["title", "description"])
        _touch(module.path)
    return module


def delete_module(module: Module) -> None:
    """Delete a module; learners who had done it lose that progress (and are told so)."""
    with transaction.atomic():
        path = module.path
        completions = _completions(module=module)
        module.delete()
        _touch(path)
        for user_id, moments in completions.items():
            _learner(user_id, path.pk, events.MODULE_REOPENED, *moments)


def move_module(module: Module, offset: int) -> None:
    """Move a module ``offset`` places (-1 up, +1 down); positions are renumbered 0..n-1."""
    with transaction.atomic():
        path = LearningPath.objects.select_for_update().get(pk=module.path_id)
        ordered = list(path.modules.all())
        index = next(i for i, m in enumerate(ordered) if m.pk == module.pk)
        target = min(max(index + offset, 0), len(ordered) - 1)
        ordered.insert(target, ordered.pop(index))
        for position, item in enumerate(ordered):
            item.position = position
        Module.objects.bulk_update(ordered, ["position"])
        _touch(path)


def add_resource(
    module: Module,
    *,
    kind: str,
    title: str = "",
    url: str = "",
    bookmark: Bookmark | None = None,
    note: Note | None = None,
) -> Resource:
    """Add a card: a link, or one of the path creator's own bookmarks or notes."""
    creator_id = module.path.creator_id
    if (bookmark and bookmark.owner_id != creator_id) or (note and note.owner_id != creator_id):
        raise NotAllowed("only the creator's own bookmarks and notes can be added")
    resource = Resource(module=module, kind=kind, title=title.strip())
    if kind == Resource.Kind.LINK:
        resource.url = url
    elif kind == Resource.Kind.BOOKMARK:
        resource.bookmark = bookmark
    else:
        resource.note = note
    with transaction.atomic():
        last = module.resources.aggregate(last=Max("position"))["last"]
        resource.position = 0 if last is None else last + 1
        resource.save()
        _touch(module.path)
    return resource


def delete_resource(resource: Resource) -> None:
    with transaction.atomic():
        path = resource.module.path
        resource.delete()
        _touch(path)


# --- learners -------------------------------------------------------------------------------


def enrol(user: Any, path: LearningPath) -> Enrollment:
    if not path.visible_to(user.pk):
        raise NotAllowed("this path is not published")
    with transaction.atomic():
        enrollment, created = Enrollment.objects.get_or_create(user_id=user.pk, path=path)
        if created:
            _learner(user.pk, path.pk, events.ENROLLED)
    return enrollment


def unenrol(user: Any, path: LearningPath) -> None:
    """Leave a path; its progress goes too (the page asks for confirmation)."""
    with transaction.atomic():
        enrollment = Enrollment.objects.filter(user_id=user.pk, path=path).first()
        if enrollment is None:
            return
        moments = tuple(enrollment.progress.values_list("completed_at", flat=True))
        enrollment.delete()
        _learner(user.pk, path.pk, events.UNENROLLED, *moments)


def _sync_completion(enrollment: Enrollment, now: dt.datetime) -> None:
    total = Module.objects.filter(path_id=enrollment.path_id).count()
    done = enrollment.progress.count()
    completed = total > 0 and done >= total
    if completed and enrollment.completed_at is None:
        enrollment.completed_at = now
    elif not completed:
        enrollment.completed_at = None
    enrollment.save(update_fields=["completed_at"])


def set_module_done(user: Any, module: Module, done: bool, *, now: dt.datetime | None = None) -> Enrollment:
    """Mark a module of a path the user is enrolled in as done (or not done any more)."""
    now = now or timezone.now()
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update().filter(user_id=user.pk, path_id=module.path_id).first()
        )
        if enrollment is None:
            raise NotAllowed("enrol in the path first")
        existing = ModuleProgress.objects.filter(enrollment=enrollment, module=module).first()
        if done and existing is None:
            ModuleProgress.objects.create(enrollment=enrollment, module=module, completed_at=now)
            _learner(user.pk, module.path_id, events.MODULE_COMPLETED, now)
        elif not done and existing is not None:
            existing.delete()
            _learner(user.pk, module.path_id, events.MODULE_REOPENED, existing.completed_at)
        _sync_completion(enrollment, now)
    return enrollment


def rate(user: Any, path: LearningPath, *, stars: int, review: str = "") -> Rating:
    """Rate a path you are enrolled in (not your own), 1 to 5 stars; rating again replaces it."""
    if path.creator_id == user.pk:
        raise NotAllowed("you cannot rate your own path")
    if not Enrollment.objects.filter(user_id=user.pk, path=path).exists():
        raise NotAllowed("enrol in the path before rating it")
    if not 1 <= stars <= 5:
        raise ValueError("stars must be 1 to 5")
    now = timezone.now()
    with transaction.atomic():
        rating, _ = Rating.objects.update_or_create(
            user_id=user.pk, path=path, defaults={"stars": stars, "review": review.strip(), "updated_at": now}
        )
        _catalogue(path, events.RATED)
        _learner(user.pk, path.pk, events.RATED)
    return rating
