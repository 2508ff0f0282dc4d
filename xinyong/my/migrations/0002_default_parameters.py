"""How long before a listing ends the subject is told (issue 20 §5); the credit office edits it in the admin."""

from django.db import migrations

DEFAULTS = [
    ("notice_listing_end_days", "名单期满提醒提前天数", 30, "天", "列入名单的期限届满前多少天通知信用主体"),
]


def seed(apps, schema_editor):
    Parameter = apps.get_model("core", "Parameter")
    for code, name, value, unit, description in DEFAULTS:
        Parameter.objects.get_or_create(
            code=code, defaults={"name": name, "value": value, "unit": unit, "description": description}
        )


def unseed(apps, schema_editor):
    apps.get_model("core", "Parameter").objects.filter(code__in=[d[0] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("my", "0001_initial"), ("core", "0004_default_parameters")]
    operations = [migrations.RunPython(seed, unseed)]
