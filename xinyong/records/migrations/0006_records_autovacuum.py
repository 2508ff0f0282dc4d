"""PostgreSQL: vacuum `records_record` after 1% of its rows changed, not the default 20%.

The daily jobs update a few per cent of the records (double-publicity overdue flags, status changes);
until the table is vacuumed, those pages are not all-visible and the tracking statistics' index-only
scans fetch every row from the table again (5M records: 0.28 s after a vacuum, 1.9 s before). With the
default factor, autovacuum waits for a million changed rows."""

from django.db import migrations

SETTINGS = (
    "autovacuum_vacuum_scale_factor",
    "autovacuum_vacuum_insert_scale_factor",
    "autovacuum_analyze_scale_factor",
)


def tune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        values = ", ".join(f"{name} = 0.01" for name in SETTINGS)
        schema_editor.execute(f"ALTER TABLE records_record SET ({values})")


def untune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE records_record RESET ({', '.join(SETTINGS)})")


class Migration(migrations.Migration):
    dependencies = [("records", "0005_drop_redundant_indexes")]
    operations = [migrations.RunPython(tune, untune)]
