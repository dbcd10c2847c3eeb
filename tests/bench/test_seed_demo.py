"""``manage.py seed_demo`` and ``core.demo``: determinism, refusing or replacing a second run, and
data that matches what the apps themselves would have stored."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command, get_commands
from django.db.models import Count

from content.models import Bookmark, Note, StoredFile, Tag, Task
from content.rendering import render_markdown
from content.sniff import SNIFF_BYTES, sniff
from core import demo
from messaging import unread
from messaging.models import Conversation, Membership, Message
from search.caches import SEARCH

ANCHOR = datetime(2025, 3, 14, tzinfo=UTC)
pytestmark = pytest.mark.django_db(transaction=True)


def _seed(seed: int = 7, force: bool = False, users: int = 3, items: int = 40) -> demo.SeedReport:
    return demo.seed(users=users, items=items, seed=seed, anchor=ANCHOR, force=force)


def snapshot() -> dict[str, Any]:
    """Everything the demo data says, keyed by usernames rather than database ids."""
    names = dict(get_user_model().objects.values_list("pk", "username"))

    def tags(item: Any) -> list[str]:
        return sorted(t.name for t in item.tags.all())

    def rows(model: type, *fields: str) -> list[tuple[Any, ...]]:
        items = model.objects.prefetch_related("tags").order_by(
            "owner__username", "created_at", "title" if hasattr(model, "title") else "name"
        )  # type: ignore[attr-defined]
        return [(names[i.owner_id], *(getattr(i, f) for f in fields), tags(i)) for i in items]

    members: dict[int, list[str]] = {}
    for conversation_id, user_id in Membership.objects.values_list("conversation_id", "user_id"):
        members.setdefault(conversation_id, []).append(names[user_id])
    labels = {c.pk: c.name or "+".join(sorted(members[c.pk])) for c in Conversation.objects.all()}
    return {
        "users": list(demo.demo_users().values_list("username", "email", "full_name", "bio", "password")),
        "tags": sorted((names[t.owner_id], t.name, t.color) for t in Tag.objects.all()),
        "bookmarks": rows(Bookmark, "title", "url", "description", "is_read", "is_favorite", "read_at"),
        "tasks": rows(Task, "title", "status", "priority", "due_date", "progress", "completed_at"),
        "notes": rows(Note, "title", "content", "content_html", "is_pinned"),
        "files": rows(StoredFile, "name", "size", "content_type", "sha256"),
        "messages": [
            (labels[m.conversation_id], names.get(m.sender_id), m.body, m.created_at)
            for m in Message.objects.order_by("created_at", "body")
        ],
    }  # fmt: skip


def test_same_seed_gives_the_same_data_and_a_second_run_needs_force() -> None:
    first_report = _seed()
    first = snapshot()
    with pytest.raises(demo.AlreadySeeded):
        _seed()
    assert snapshot() == first
    report = _seed(force=True)
    assert report.replaced == 3
    assert snapshot() == first
    assert report.rows == first_report.rows
    assert get_user_model().objects.count() == 3


def test_another_seed_gives_other_data() -> None:
    _seed(seed=1)
    first = snapshot()
    _seed(seed=2, force=True)
    second = snapshot()
    assert second["users"][0][0] == first["users"][0][0] == "demo1"
    assert second["bookmarks"] != first["bookmarks"]
    assert second["messages"] != first["messages"]


def test_the_command_refuses_skips_and_replaces(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed_demo", users=2, items=30, seed=3)
    out = capsys.readouterr()
    assert "Seeded 2 demo user(s)" in out.out
    assert f"2/{2 * len(demo.generators())} content" in out.err  # one progress step per generator and user
    ids = list(demo.demo_users().values_list("pk", flat=True))
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", users=2, items=30)
    call_command("seed_demo", users=2, items=30, skip_if_seeded=True)
    assert list(demo.demo_users().values_list("pk", flat=True)) == ids
    call_command("seed_demo", users=2, items=30, force=True, verbosity=0)
    assert demo.demo_users().count() == 2
    assert not set(demo.demo_users().values_list("pk", flat=True)) & set(ids)
    with pytest.raises(CommandError):
        call_command("seed_demo", users=0)


def test_every_kind_is_there_in_realistic_shapes() -> None:
    _seed(users=2, items=200)
    owner = demo.demo_users().first()
    assert Bookmark.objects.filter(owner=owner).count() == 90  # 45 % of 200
    assert Task.objects.filter(owner=owner).count() == 50
    assert Note.objects.filter(owner=owner).count() == 44
    assert StoredFile.objects.filter(owner=owner).count() == 16
    statuses = set(Task.objects.filter(owner=owner).values_list("status", flat=True))
    assert statuses == set(Task.Status.values)
    due = Task.objects.filter(owner=owner, due_date__isnull=False).values_list("due_date", flat=True)
    assert min(due) < ANCHOR.date() < max(due)  # overdue and upcoming
    assert Task.objects.filter(owner=owner, parent__isnull=False).exists()
    assert Note.objects.filter(owner=owner, parent__isnull=False).exists()
    folders = Tag.objects.filter(owner=owner, name__contains="/")
    assert Bookmark.objects.filter(owner=owner, tags__in=folders).exists()
    for task in Task.objects.filter(status=Task.Status.COMPLETED):
        assert task.completed_at is not None and task.progress == 100
    for bookmark in Bookmark.objects.all():
        assert (bookmark.read_at is not None) == bookmark.is_read
        assert bookmark.created_at <= bookmark.updated_at <= ANCHOR


def test_notes_and_files_match_what_the_app_would_store(settings: Any) -> None:
    _seed(users=1, items=100)
    for note in Note.objects.all():
        assert note.content_html == render_markdown(note.content)
    assert Note.objects.filter(content__contains="```").exists()
    for stored in StoredFile.objects.all():
        data = (Path(settings.MEDIA_ROOT) / stored.blob.name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == stored.sha256
        assert stored.size == len(data)
        assert stored.content_type == sniff(data[:SNIFF_BYTES])


def test_force_removes_the_old_file_blobs(settings: Any) -> None:
    _seed(users=1, items=60)
    old = [Path(settings.MEDIA_ROOT) / path for path in StoredFile.objects.values_list("blob", flat=True)]
    assert old and all(path.exists() for path in old)
    _seed(users=1, items=60, force=True)
    assert not any(path.exists() for path in old)


def test_conversations_have_ordered_history_and_a_few_unread() -> None:
    _seed(users=4, items=100)
    users = list(demo.demo_users())
    direct = Conversation.objects.filter(kind=Conversation.Kind.DIRECT)
    assert direct.count() == 6  # each user with the next three: every pair of four, once
    group = Conversation.objects.get(kind=Conversation.Kind.GROUP, name="Demo team")
    assert group.memberships.count() == 4
    general = Conversation.objects.get(kind=Conversation.Kind.CHANNEL)
    assert general.memberships.count() == 4  # joined by the app's own new-user setup
    for conversation in [*direct, group, general]:
        history = list(conversation.messages.order_by("id").values_list("pk", "created_at"))
        assert history, conversation
        assert [at for _, at in history] == sorted(at for _, at in history)
        assert conversation.last_message_id == history[-1][0]
    for user in users:
        counts = unread.from_database(user.pk)
        assert all(0 < n <= 5 for n in counts.conversations.values())
    per_membership = Membership.objects.filter(user__in=users).aggregate(n=Count("pk"))["n"]
    assert per_membership == 4 * (1 + 1 + 1 + 3)  # notes-to-self, #general, group, three DMs


def test_finish_bumps_generations_and_rebuilds_the_search_index() -> None:
    report = _seed(users=1, items=40)
    user_id = demo.demo_users().get().pk
    assert report.reindexed == ("search_reindex" in get_commands())
    before = SEARCH.generation(user_id)
    demo.finish([user_id])
    assert SEARCH.generation(user_id) > before


def test_a_registered_generator_runs_once_per_user_with_its_own_random_stream() -> None:
    calls: list[tuple[str, int, float]] = []

    def generate(ctx: demo.DemoContext, user: Any, index: int) -> int:
        calls.append((user.username, index, ctx.rng("probe", index).random()))
        return 1

    demo.register("probe", order=99)(generate)
    try:
        assert [g.name for g in demo.generators()][:2] == ["content", "messaging"]
        report = _seed(users=2, items=0)
    finally:
        demo._registry.pop("probe")
    assert report.rows["probe"] == 2
    assert [(name, index) for name, index, _ in calls] == [("demo1", 0), ("demo2", 1)]
    assert calls[0][2] != calls[1][2]
