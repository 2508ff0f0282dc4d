"""Seed who is told of a public body's, state enterprise's or public employee's dishonesty (R16, 002 §14:
通报上级主管单位和审计部门；通报所在单位及相关纪检监察、组织人事部门) from fixtures/notice_recipients.json.

Idempotent (update_or_create by kind, recipient and department code). The credit office edits the rows
afterwards in the admin; this runs once per database, so it never overwrites those edits."""

import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "notice_recipients.json"
KEY = ("kind", "recipient", "department_code")


def items() -> list[dict]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def load(apps, schema_editor):
    NoticeRecipient = apps.get_model("integrity", "NoticeRecipient")
    for item in items():
        fields = dict(item)
        NoticeRecipient.objects.update_or_create(**{k: fields.pop(k) for k in KEY}, defaults=fields)


def unload(apps, schema_editor):
    NoticeRecipient = apps.get_model("integrity", "NoticeRecipient")
    for item in items():
        NoticeRecipient.objects.filter(**{k: item[k] for k in KEY}).delete()


class Migration(migrations.Migration):
    dependencies = [("integrity", "0002_public_sector")]
    operations = [migrations.RunPython(load, unload)]
