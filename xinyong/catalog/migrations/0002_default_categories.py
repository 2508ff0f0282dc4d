"""Seed the catalog with the national catalog's categories and the seed documents' local ones.
The credit office edits them afterwards in the admin; re-running only fills in missing categories."""

import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "categories.json"


def load(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    for item in json.loads(FIXTURE.read_text(encoding="utf-8")):
        Category.objects.get_or_create(code=item["code"], defaults=item)


def unload(apps, schema_editor):
    codes = [item["code"] for item in json.loads(FIXTURE.read_text(encoding="utf-8"))]
    apps.get_model("catalog", "Category").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
