"""Demo content for ``manage.py seed_demo``: tags and folders, bookmarks, tasks, notes and files.

Each user gets a tag vocabulary (topics plus slash-separated folder paths, the way imported browser
folders arrive), then about ``items`` items split 45 % bookmarks, 25 % tasks, 22 % notes and 8 %
files, dated over the last two years. Tasks spread over every status with due dates from six weeks
overdue to two months ahead; notes are Markdown rendered with the app's own renderer; files are
small text blobs written to storage, typed by the app's own sniffer. Rows go in with
``bulk_create`` (the services would cost a transaction and two INCRs per item); ``core.demo.finish``
does the cache invalidation the services would have done.
"""

from __future__ import annotations

import functools
import hashlib
import random
from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Model

from content import sniff, tagnames
from content.models import SUMMARY_MAX, Bookmark, Note, StoredFile, Tag, Task
from content.rendering import plain_text, render_markdown
from content.uploads import upload_path
from core import demo

BATCH_SIZE = 1000
SHARES = {"bookmark": 0.45, "task": 0.25, "note": 0.22, "file": 0.08}
HISTORY_DAYS = 730

TOPICS = (
    "python", "django", "redis", "postgres", "javascript", "css", "design", "security", "devops",
    "testing", "reading", "recipes", "travel", "health", "finance", "music", "ideas", "learning",
    "productivity", "writing",
)  # fmt: skip
FOLDERS = (
    "Dev/Python", "Dev/Databases", "Dev/Frontend", "Dev/Ops", "Reading/Articles", "Reading/Papers",
    "Personal/Travel", "Personal/Cooking", "Work/Projects", "Work/Meetings",
)  # fmt: skip
DOMAINS = (
    "docs.python.org", "docs.djangoproject.com", "redis.io", "www.postgresql.org", "developer.mozilla.org",
    "github.com", "news.ycombinator.com", "lwn.net", "martinfowler.com", "jvns.ca", "simonwillison.net",
    "www.seriouseats.com", "en.wikipedia.org", "arxiv.org", "www.smashingmagazine.com", "css-tricks.com",
)  # fmt: skip
ADJECTIVES = (
    "A practical", "The complete", "An illustrated", "A short", "A gentle", "The missing", "An opinionated",
    "A deep", "A visual", "The pragmatic",
)  # fmt: skip
NOUNS = ("guide", "introduction", "checklist", "tour", "handbook", "primer", "field guide", "overview")
VERBS = (
    "Review", "Write", "Fix", "Plan", "Refactor", "Book", "Call", "Renew", "Draft", "Update", "Clean up",
    "Read", "Prepare", "Order", "Schedule",
)  # fmt: skip
OBJECTS = (
    "the quarterly report", "search ranking", "the CI pipeline", "flights to Lisbon", "the dentist",
    "the passport", "the release notes", "the onboarding doc", "the garden shed", "the team offsite",
    "the Redis failover runbook", "the budget spreadsheet", "conference talk slides", "the backup job",
    "the kitchen tap",
)  # fmt: skip
SENTENCES = (
    "Caching only pays when invalidation is simpler than recomputation.",
    "Measure first, then decide what to keep in memory.",
    "The fastest query is the one you never send.",
    "Small modules with one job each are easier to test.",
    "Write the runbook before the incident, not during it.",
    "Every expiry needs a reason next to it.",
    "Generations make invalidation a single increment.",
    "Most pages are read far more often than they are written.",
    "A good default beats a clever configuration option.",
    "Keep the database the source of truth.",
)  # fmt: skip
TASK_STATUSES = (
    (Task.Status.PENDING, 35), (Task.Status.IN_PROGRESS, 20), (Task.Status.COMPLETED, 35),
    (Task.Status.CANCELLED, 10),
)  # fmt: skip
TASK_PRIORITIES = (
    (Task.Priority.LOW, 30),
    (Task.Priority.MEDIUM, 40),
    (Task.Priority.HIGH, 22),
    (Task.Priority.URGENT, 8),
)


def _weighted(rng: random.Random, choices: tuple[tuple[Any, int], ...]) -> Any:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def _created(rng: random.Random, anchor: datetime) -> tuple[datetime, datetime]:
    created = anchor - timedelta(seconds=rng.randint(3600, HISTORY_DAYS * 86400))
    updated = created + timedelta(seconds=rng.randint(0, int((anchor - created).total_seconds())))
    return created, rng.choice((created, updated))


def _pick_tags(rng: random.Random, tags: list[Tag], folders: list[Tag]) -> list[Tag]:
    chosen = rng.sample(tags, rng.choice((0, 1, 1, 2, 2, 3)))
    if folders and rng.random() < 0.6:
        chosen.append(rng.choice(folders))
    return chosen


def _insert(model: type[Model], rows: list[Any]) -> list[Any]:
    return model.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _link(model: type[Model], items: list[Any], tags_per_item: list[list[Tag]]) -> int:
    through = model.tags.through  # type: ignore[attr-defined]
    column = f"{model._meta.model_name}_id"
    links = [
        through(**{column: item.pk, "tag_id": tag.pk})
        for item, tags in zip(items, tags_per_item, strict=True)
        for tag in tags
    ]
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    return len(links)


def _tags(ctx: demo.DemoContext, owner_id: int) -> tuple[list[Tag], list[Tag]]:
    names = [*TOPICS, *FOLDERS]
    created = Tag.objects.bulk_create(
        [
            Tag(owner_id=owner_id, name=name, color=tagnames.default_color(name), created_at=ctx.anchor)
            for name in names
        ]
    )
    return [t for t in created if "/" not in t.name], [t for t in created if "/" in t.name]


def _bookmarks(
    ctx: demo.DemoContext, rng: random.Random, owner_id: int, tags: list[Tag], folders: list[Tag]
) -> int:
    rows, tag_lists = [], []
    for n in range(ctx.share(SHARES["bookmark"])):
        topic = rng.choice(TOPICS)
        created, updated = _created(rng, ctx.anchor)
        is_read = rng.random() < 0.4
        rows.append(
            Bookmark(
                owner_id=owner_id,
                title=f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} to {topic}",
                url=f"https://{rng.choice(DOMAINS)}/{topic}/{n}-{rng.randrange(16**6):06x}",
                description=rng.choice(("", *SENTENCES)),
                is_read=is_read,
                read_at=updated if is_read else None,
                is_favorite=rng.random() < 0.1,
                created_at=created,
                updated_at=updated,
            )
        )
        tag_lists.append(_pick_tags(rng, tags, folders))
    return len(rows) + _link(Bookmark, _insert(Bookmark, rows), tag_lists)


def _due(rng: random.Random, today: date) -> date | None:
    return today + timedelta(days=rng.randint(-45, 60)) if rng.random() < 0.7 else None


def _tasks(ctx: demo.DemoContext, rng: random.Random, owner_id: int, tags: list[Tag]) -> int:
    count = ctx.share(SHARES["task"])
    subtasks = count // 6
    rows, tag_lists = [], []
    for _ in range(count):
        status = _weighted(rng, TASK_STATUSES)
        created, updated = _created(rng, ctx.anchor)
        done = status == Task.Status.COMPLETED
        rows.append(
            Task(
                owner_id=owner_id,
                title=f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}",
                description=rng.choice(("", "", *SENTENCES)),
                status=status,
                priority=_weighted(rng, TASK_PRIORITIES),
                due_date=_due(rng, ctx.anchor.date()),
                completed_at=updated if done else None,
                progress=100 if done else rng.choice((0, 0, 10, 25, 50, 75)),
                created_at=created,
                updated_at=updated,
            )
        )
        tag_lists.append(rng.sample(tags, rng.choice((0, 1, 1, 2))))
    parents = _insert(Task, rows[: count - subtasks])
    for row in rows[count - subtasks :]:
        row.parent_id = rng.choice(parents).pk
    children = _insert(Task, rows[count - subtasks :])
    return count + _link(Task, parents + children, tag_lists)


def _markdown(rng: random.Random, title: str, topic: str) -> str:
    parts = [f"# {title}", " ".join(rng.sample(SENTENCES, 2))]
    picked = sorted(rng.sample(range(len(SENTENCES)), rng.randint(2, 4)))
    parts.append("\n".join(f"- {SENTENCES[i]}" for i in picked))
    extra = rng.randrange(4)
    if extra == 0:
        parts.append(f"```python\nfrom {topic} import settings\nprint(settings.DEBUG)\n```")
    elif extra == 1:
        parts.append(f"See [the {topic} docs](https://{rng.choice(DOMAINS)}/{topic}/) for details.")
    elif extra == 2:
        parts.append("| step | owner |\n| --- | --- |\n| draft | me |\n| review | team |")
    else:
        parts.append(f"> {rng.choice(SENTENCES)}")
    return "\n\n".join(parts)


@functools.lru_cache(maxsize=4096)
def _render_block(block: str) -> str:
    return render_markdown(block)


def _render(text: str) -> str:
    """``render_markdown(text)``, block by block: notes share most blocks, so most come from the
    cache (tests check the result equals rendering the whole text)."""
    return "\n".join(_render_block(block) for block in text.split("\n\n"))


def _notes(
    ctx: demo.DemoContext, rng: random.Random, owner_id: int, tags: list[Tag], folders: list[Tag]
) -> int:
    count = ctx.share(SHARES["note"])
    children = count // 8
    rows, tag_lists = [], []
    for _ in range(count):
        topic = rng.choice(TOPICS)
        title = f"Notes on {topic}: {rng.choice(NOUNS)}"
        text = _markdown(rng, title, topic)
        created, updated = _created(rng, ctx.anchor)
        rows.append(
            Note(
                owner_id=owner_id,
                title=title,
                content=text,
                content_html=(html := _render(text)),
                summary=plain_text(html, SUMMARY_MAX),
                is_pinned=rng.random() < 0.05,
                created_at=created,
                updated_at=updated,
            )
        )
        tag_lists.append(_pick_tags(rng, tags, folders))
    parents = _insert(Note, rows[: count - children])
    for row in rows[count - children :]:
        row.parent_id = rng.choice(parents).pk
    nested = _insert(Note, rows[count - children :])
    return count + _link(Note, parents + nested, tag_lists)


def _file_body(rng: random.Random, kind: str, n: int) -> tuple[str, bytes]:
    if kind == "csv":
        lines = ["date,category,amount"]
        for _ in range(rng.randint(5, 30)):
            day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            lines.append(f"{day},{rng.choice(TOPICS)},{rng.randint(1, 500)}.00")
        return f"budget-{n}.csv", "\n".join(lines).encode()
    if kind == "json":
        return f"settings-{n}.json", f'{{"theme": "dark", "items": {rng.randint(1, 99)}}}\n'.encode()
    body = "\n".join(rng.sample(SENTENCES, rng.randint(2, 6)))
    return (f"meeting-notes-{n}.md" if kind == "md" else f"todo-{n}.txt"), body.encode()


def _files(ctx: demo.DemoContext, rng: random.Random, owner_id: int, tags: list[Tag]) -> int:
    rows, tag_lists = [], []
    for n in range(ctx.share(SHARES["file"])):
        name, data = _file_body(rng, rng.choice(("csv", "json", "md", "txt")), n)
        path = default_storage.save(upload_path(None, name), ContentFile(data))
        ctx.on_rollback(lambda path=path: default_storage.delete(path))
        created, updated = _created(rng, ctx.anchor)
        rows.append(
            StoredFile(
                owner_id=owner_id,
                name=name,
                description=rng.choice(("", *SENTENCES)),
                blob=path,
                size=len(data),
                content_type=sniff.sniff(data[: sniff.SNIFF_BYTES]),
                sha256=hashlib.sha256(data).hexdigest(),
                created_at=created,
                updated_at=updated,
            )
        )
        tag_lists.append(rng.sample(tags, rng.choice((0, 1))))
    return len(rows) + _link(StoredFile, _insert(StoredFile, rows), tag_lists)


def clear(user_ids: list[int]) -> None:
    """Delete the demo users' file blobs once their rows are gone (the rows go with the users)."""
    paths = list(StoredFile.objects.filter(owner_id__in=user_ids).values_list("blob", flat=True))

    def delete() -> None:
        for path in paths:
            default_storage.delete(path)

    transaction.on_commit(delete)


@demo.register("content", order=10, clear=clear)
def generate(ctx: demo.DemoContext, user: Any, index: int) -> int:
    """One user's tags, bookmarks, tasks, notes and files; returns the rows created (links included)."""
    rng = ctx.rng("content", index)
    tags, folders = _tags(ctx, user.pk)
    return (
        len(tags)
        + len(folders)
        + _bookmarks(ctx, rng, user.pk, tags, folders)
        + _tasks(ctx, rng, user.pk, tags)
        + _notes(ctx, rng, user.pk, tags, folders)
        + _files(ctx, rng, user.pk, tags)
    )
