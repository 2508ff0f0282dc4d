"""Thresholds below which a department is named as lagging in the monthly report (R28)."""

from django.db import migrations

PARAMETERS = [
    ("lagging_publicity_rate", "双公示按时率警戒线", "0.9", "", "按时公示率低于此值的部门列为工作滞后"),
    ("lagging_feedback_rate", "反馈率警戒线", "0.8", "", "核查结果反馈率低于此值的部门列为工作滞后"),
]


def seed(apps, schema_editor):
    Parameter = apps.get_model("core", "Parameter")
    for code, name, value, unit, description in PARAMETERS:
        Parameter.objects.get_or_create(code=code, defaults={"name": name, "value": value, "unit": unit,
                                                             "description": description})


def unseed(apps, schema_editor):
    apps.get_model("core", "Parameter").objects.filter(code__in=[p[0] for p in PARAMETERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0004_default_parameters")]
    operations = [migrations.RunPython(seed, unseed)]
