"""The figure under which a queue shows a deadline in red (working days left); the credit office may change
it in the admin. Used by the objection, repair and dishonesty-report queues of the workbench."""

from django.db import migrations

CODE = "deadline_warning_working_days"


def seed(apps, schema_editor):
    apps.get_model("core", "Parameter").objects.get_or_create(
        code=CODE,
        defaults={
            "name": "期限临近提示",
            "value": 5,
            "unit": "工作日",
            "description": "异议、信用修复、举报等待办剩余工作日少于此数时标红提示",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("core", "Parameter").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("rights", "0002_defaults"), ("core", "0004_default_parameters")]
    operations = [migrations.RunPython(seed, unseed)]
