"""Default rule parameters; the credit office edits them in the admin."""

from django.db import migrations

DEFAULTS = [
    ("feedback_working_days", "落实反馈期限", 5, "工作日", "推送名单变更后，实施部门反馈措施落实情况的期限（R11）"),
    ("recent_check_days", "近期核查推送范围", 90, "天", "名单变更时，向这么多天内核查过该主体的部门也推送任务（R11）"),
    ("no_dishonesty_years", "无不良记录激励年限", 3, "年", "连续多少年无失信记录可享受绿色通道、容缺受理等激励（R14）"),
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
    dependencies = [("core", "0003_parameter")]
    operations = [migrations.RunPython(seed, unseed)]
