"""Search index tables, plus each vendor's full-text structure (outside the model state):
PostgreSQL gets a stored generated tsvector column with a GIN index; SQLite gets an FTS5 table kept
in sync by triggers (skipped when the SQLite build lacks FTS5: the backend then uses LIKE)."""

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models, transaction
from django.db.utils import OperationalError

import search.models

# Punctuation becomes a word break before indexing, so "example.com" or "foo_bar" index as two words
# on PostgreSQL, as they do in SQLite's unicode61 tokenizer and in search.query's term splitting.
_WORDS = "regexp_replace({column}, '[[:punct:]]+', ' ', 'g')"
_VECTOR = " || ".join(
    f"setweight(to_tsvector('simple'::regconfig, {_WORDS.format(column=column)}), '{weight}')"
    for column, weight in (("title", "A"), ("tags", "B"), ("body", "C"), ("url", "D"))
)
POSTGRES_FORWARD = [
    f"ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({_VECTOR}) STORED",
    "CREATE INDEX search_doc_vector ON search_searchdocument USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
]
_FTS_COLUMNS = "title, tags, body, url"
_FTS_DELETE = (
    f"INSERT INTO search_fts(search_fts, rowid, {_FTS_COLUMNS}) "
    "VALUES ('delete', old.id, old.title, old.tags, old.body, old.url);"
)
_FTS_INSERT = (
    f"INSERT INTO search_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, new.title, new.tags, new.body, new.url);"
)
SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE search_fts USING fts5({_FTS_COLUMNS}, content='search_searchdocument', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    f"CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN {_FTS_INSERT} END",
    f"CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN {_FTS_DELETE} END",
    f"CREATE TRIGGER search_fts_update AFTER UPDATE OF {_FTS_COLUMNS} ON search_searchdocument "
    f"BEGIN {_FTS_DELETE} {_FTS_INSERT} END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TABLE IF EXISTS search_fts",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, params=None)


def add_full_text(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_FORWARD)
    elif vendor == "sqlite":
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                _run(schema_editor, SQLITE_FORWARD)
        except OperationalError as error:
            if "fts5" not in str(error):
                raise
            # This SQLite build has no FTS5: search.backends falls back to LIKE.


def remove_full_text(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("bookmark", "Bookmark"),
                            ("task", "Task"),
                            ("note", "Note"),
                            ("file", "File"),
                        ],
                        max_length=8,
                    ),
                ),
                ("object_id", models.BigIntegerField()),
                ("title", models.CharField(max_length=300)),
                ("body", models.TextField(blank=True)),
                ("tags", models.TextField(blank=True, help_text="Tag names, one per line.")),
                ("url", models.CharField(blank=True, max_length=2000)),
                ("created_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                ("is_favorite", models.BooleanField(null=True)),
                ("is_read", models.BooleanField(null=True)),
                ("status", models.CharField(blank=True, max_length=12)),
                ("priority", models.CharField(blank=True, max_length=8)),
                ("is_pinned", models.BooleanField(null=True)),
                (
                    "owner",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="FtsEntry",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="fts",
                        serialize=False,
                        to="search.searchdocument",
                    ),
                ),
                ("table", search.models.Fts5TableColumn(db_column="search_fts")),
                ("title", models.TextField()),
                ("tags", models.TextField()),
                ("body", models.TextField()),
                ("url", models.TextField()),
            ],
            options={
                "db_table": "search_fts",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="DocumentTag",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("tag_id", models.BigIntegerField(db_index=True)),
                ("name", models.CharField(help_text="Lowercased tag name.", max_length=100)),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tag_links",
                        to="search.searchdocument",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="SavedSearch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100)),
                ("params", models.JSONField(default=dict)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="saved_searches",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "saved searches",
            },
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=["owner", "kind"], name="search_doc_owner_kind"),
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=["owner", "-updated_at"], name="search_doc_owner_updated"),
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=["owner", "created_at"], name="search_doc_owner_created"),
        ),
        migrations.AddConstraint(
            model_name="searchdocument",
            constraint=models.UniqueConstraint(
                fields=("kind", "object_id"), name="search_document_kind_object"
            ),
        ),
        migrations.AddIndex(
            model_name="documenttag",
            index=models.Index(fields=["owner", "name"], name="search_tag_owner_name"),
        ),
        migrations.AddConstraint(
            model_name="savedsearch",
            constraint=models.UniqueConstraint(
                models.F("owner"),
                django.db.models.functions.text.Lower("name"),
                name="search_saved_owner_name_ci",
            ),
        ),
        migrations.RunPython(add_full_text, remove_full_text),
    ]
