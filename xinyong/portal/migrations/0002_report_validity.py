"""Default validity of a credit report (R24): 30 days from issue; the credit office changes it in the
admin (规则参数 report_validity_days)."""

from django.db import migrations

PARAMETERS = [
    ("report_validity_days", "信用报告有效期", 30, "天", "信用报告自出具之时起的有效天数，核验时据此判断是否仍在有效期内"),
]


def seed(apps, schema_editor):
    Parameter = apps.get_model("core", "Parameter")
    for code, name, value, unit, description in PARAMETERS:
        Parameter.objects.get_or_create(code=code, defaults={"name": name, "value": value, "unit": unit,
                                                             "description": description})


def unseed(apps, schema_editor):
    apps.get_model("core", "Parameter").objects.filter(code__in=[p[0] for p in PARAMETERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial"), ("core", "0004_default_parameters")]
    operations = [migrations.RunPython(seed, unseed)]
