"""Partial-name search ('contains') on PostgreSQL uses trigram GIN indexes; SQLite scans, which is
fine at demo size."""

from django.db import migrations

INDEXES = [
    ("subjects_subject", "subject_search_trgm"),
    ("subjects_subjectname", "subjectname_search_trgm"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_name gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("subjects", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
