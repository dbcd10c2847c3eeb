"""Create PostgreSQL's ``pg_trgm`` extension for typo tolerance, when the database role may.

Creating an extension needs a privileged role on most hosts. If it is refused, the migration logs a
warning and succeeds: search.backends.postgres then corrects typos in Python (search.backends.typos).
Other vendors do nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)


def create_trigram_extension(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as refused:
        logger.warning("pg_trgm not created (%s): typo tolerance falls back to Python", refused)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(create_trigram_extension, migrations.RunPython.noop, elidable=True),
    ]
