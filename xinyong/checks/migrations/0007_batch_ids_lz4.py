from django.db import migrations


def lz4_subject_ids(apps, schema_editor):
    # A batch's 10,000 subject ids (80 kB) were compressed by PostgreSQL's default pglz on every insert:
    # 7 ms of a batch's ~17 ms of storing, where lz4 takes well under 1 ms (bench/checks.py). A server
    # built without lz4 keeps pglz: slower, not wrong.
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
            "AND 'lz4' = ANY(enumvals))"
        )
        if cursor.fetchone()[0]:
            schema_editor.execute("ALTER TABLE checks_checkbatch ALTER COLUMN subject_ids SET COMPRESSION lz4")


def pglz_subject_ids(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE checks_checkbatch ALTER COLUMN subject_ids SET COMPRESSION pglz")


class Migration(migrations.Migration):
    dependencies = [("checks", "0006_task_labels")]

    operations = [migrations.RunPython(lz4_subject_ids, pglz_subject_ids)]
