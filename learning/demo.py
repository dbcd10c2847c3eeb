"""Demo learning paths for ``manage.py seed_demo``: a small catalogue, enrolments and progress.

``prepare`` gives every demo user two paths (most published, every fourth a draft, the first one
featured) of three to five modules each, whose cards are links plus the creator's own bookmarks
and notes. Then each user enrols in up to three published paths of others and works through a
prefix of their modules over the last two months (completing some paths and rating a few). Rows go
in with ``bulk_create``; the catalogue's global families are bumped after the commit (the per-user
ones by ``core.demo.finish``; the roll-up and streaks by the analytics generator).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction

from content.models import Bookmark, Note
from core import demo
from learning.caches import FEATURED_PATHS, POPULAR_PATHS
from learning.models import Enrollment, LearningPath, Module, ModuleProgress, Rating, Resource

PATHS_PER_USER = 2
SUBJECTS = (
    ("Python testing from zero", "programming", "python, testing"),
    ("Caching with Redis", "devops", "redis, caching"),
    ("PostgreSQL for developers", "data", "postgres, sql"),
    ("Accessible web design", "design", "css, accessibility"),
    ("Security basics for web apps", "security", "security, web"),
    ("Writing clearly", "personal", "writing"),
    ("Django in depth", "programming", "django, python"),
    ("Spanish for travellers", "languages", "spanish, travel"),
)  # fmt: skip
MODULE_TITLES = ("Getting started", "Core ideas", "Hands-on practice", "Going further", "Project")
REVIEWS = (
    "",
    "Clear and practical.",
    "Good pace, great links.",
    "A bit short but useful.",
    "Loved the project.",
)


def prepare(ctx: demo.DemoContext) -> int:
    rows = 0
    for index, user in enumerate(ctx.users):
        rng = ctx.rng("learning-paths", index)
        bookmarks = list(Bookmark.objects.filter(owner=user).order_by("pk").values_list("pk", flat=True)[:40])
        notes = list(Note.objects.filter(owner=user).order_by("pk").values_list("pk", flat=True)[:40])
        for n in range(PATHS_PER_USER):
            title, category, tags = SUBJECTS[(index * PATHS_PER_USER + n) % len(SUBJECTS)]
            published = (index * PATHS_PER_USER + n) % 4 != 3
            created = ctx.anchor - timedelta(days=rng.randint(70, 200))
            path = LearningPath.objects.create(
                creator=user,
                title=title if index < len(SUBJECTS) // PATHS_PER_USER else f"{title} ({user.username})",
                description=f"A short path: {title.lower()}, from the basics to a small project.",
                category=category,
                difficulty=rng.choice(LearningPath.Difficulty.values),
                estimated_minutes=rng.choice((45, 90, 180, 300)),
                tags=tags,
                is_published=published,
                published_at=created if published else None,
                is_featured=index == 0 and n == 0,
                created_at=created,
                updated_at=created,
            )
            modules = Module.objects.bulk_create(
                Module(path=path, title=MODULE_TITLES[m], description=f"Part {m + 1} of {title}.", position=m)
                for m in range(rng.randint(3, 5))
            )
            resources = []
            for module in modules:
                resources.append(
                    Resource(
                        module=module,
                        kind="link",
                        title="Reference",
                        url=f"https://example.org/{category}/{module.pk}",
                    )
                )
                if bookmarks:
                    resources.append(
                        Resource(
                            module=module, kind="bookmark", bookmark_id=rng.choice(bookmarks), position=1
                        )
                    )
                if notes and rng.random() < 0.5:
                    resources.append(
                        Resource(module=module, kind="note", note_id=rng.choice(notes), position=2)
                    )
            Resource.objects.bulk_create(resources)
            rows += 1 + len(modules) + len(resources)
    transaction.on_commit(lambda: (POPULAR_PATHS.invalidate(), FEATURED_PATHS.invalidate()))
    return rows


@demo.register("learning", order=30, prepare=prepare)
def generate(ctx: demo.DemoContext, user: Any, index: int) -> int:
    """Enrol ``user`` in a few published paths of others and record progress over two months."""
    rng = ctx.rng("learning", index)
    others = list(LearningPath.objects.filter(is_published=True).exclude(creator=user).order_by("pk"))
    rows = 0
    for path in rng.sample(others, min(len(others), rng.randint(1, 3))):
        enrolled = ctx.anchor - timedelta(days=rng.randint(20, 60), hours=rng.randint(0, 23))
        enrollment = Enrollment.objects.create(user=user, path=path, enrolled_at=enrolled)
        modules = list(path.modules.order_by("position"))
        done = rng.randint(0, len(modules))
        times = sorted(enrolled + timedelta(minutes=rng.randint(30, 60 * 24 * 19)) for _ in range(done))
        ModuleProgress.objects.bulk_create(
            ModuleProgress(enrollment=enrollment, module=module, completed_at=at)
            for module, at in zip(modules, times, strict=False)
        )
        if done == len(modules) and times:
            enrollment.completed_at = times[-1]
            enrollment.save(update_fields=["completed_at"])
        if done and rng.random() < 0.6:
            Rating.objects.create(
                user=user,
                path=path,
                stars=rng.randint(3, 5),
                review=rng.choice(REVIEWS),
                created_at=times[-1],
                updated_at=times[-1],
            )
            rows += 1
        rows += 1 + done
    return rows
