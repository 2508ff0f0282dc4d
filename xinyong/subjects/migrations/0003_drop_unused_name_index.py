"""Indexes no query uses, dropped because every subject created (a bulk import creates thousands per
second) pays for each of them.

- `SubjectName.search_name`: former names are searched with 'contains' (trigram index, 0002), never
  sorted or matched exactly.
- On PostgreSQL, the `varchar_pattern_ops` twins Django adds to every indexed or unique text column
  (`…_like`): they serve only `LIKE 'prefix%'`, and no query filters `key`, `uscc` or `search_name`
  by prefix (search is 'contains', lookups are exact). The plain b-trees stay.
"""

from django.db import migrations, models

PATTERN_INDEXED = [("subject", "key"), ("subject", "uscc"), ("subject", "search_name")]


def _like_indexes(apps, schema_editor):
    for model_name, field_name in PATTERN_INDEXED:
        model = apps.get_model("subjects", model_name)
        yield model, model._meta.get_field(field_name)


def drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, field in _like_indexes(apps, schema_editor):
        name = schema_editor._create_index_name(model._meta.db_table, [field.column], suffix="_like")
        schema_editor.execute(schema_editor._delete_index_sql(model, name))


def restore_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, field in _like_indexes(apps, schema_editor):
        schema_editor.execute(schema_editor._create_like_index_sql(model, field))


class Migration(migrations.Migration):
    dependencies = [
        ("subjects", "0002_trigram_search"),
    ]

    operations = [
        migrations.AlterField(
            model_name="subjectname",
            name="search_name",
            field=models.CharField(max_length=200),
        ),
        migrations.RunPython(drop_pattern_indexes, restore_pattern_indexes),
    ]
