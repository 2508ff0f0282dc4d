"""Severity rules of the credit repair measures in force since 2026-04-01 (architecture §6), for the
administrative penalty category; the credit office adjusts them in the admin."""

from django.db import migrations

RULES = [
    # label, code, published, min months, max months, default
    ("轻微", "minor", False, 0, 3, False),
    ("一般", "general", True, 3, 12, True),
    ("严重", "serious", True, 12, 36, False),
]


def seed(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    SeverityRule = apps.get_model("catalog", "SeverityRule")
    penalty = Category.objects.filter(code="admin_penalty").first()
    if penalty is None:
        return
    if not penalty.severity_field:
        penalty.severity_field = "CF_YZCD"
        penalty.save(update_fields=["severity_field"])
    for label, code, published, min_months, max_months, default in RULES:
        SeverityRule.objects.get_or_create(
            category=penalty, label=label,
            defaults={"code": code, "published": published, "min_months": min_months, "max_months": max_months,
                      "is_default": default},
        )


def unseed(apps, schema_editor):
    apps.get_model("catalog", "SeverityRule").objects.filter(category__code="admin_penalty").delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_severity")]
    operations = [migrations.RunPython(seed, unseed)]
