"""Seed the list types (R6–R9): red sub-lists, the local black and watch lists and one black list per
national cooperation memorandum of 001's annex, from fixtures/list_types.json.

Idempotent (update_or_create by code), so loading twice changes nothing. The credit office edits the
types afterwards in the admin; this runs once per database, so it never overwrites those edits."""

import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "list_types.json"


def items() -> list[dict]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def load(apps, schema_editor):
    ListType = apps.get_model("lists", "ListType")
    for item in items():
        fields = dict(item)
        ListType.objects.update_or_create(code=fields.pop("code"), defaults=fields)


def unload(apps, schema_editor):
    # Types that already have entries stay: entries keep their type (PROTECT).
    codes = [item["code"] for item in items()]
    apps.get_model("lists", "ListType").objects.filter(code__in=codes, entries__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("lists", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
