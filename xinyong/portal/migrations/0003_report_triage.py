"""A report may be rejected at triage (不予受理, with the reason the reporter reads), and an assigned report
has a due date: `report_handling_working_days` (a local figure the credit office sets) after assignment."""

from django.db import migrations, models

CODE = "report_handling_working_days"


def seed(apps, schema_editor):
    apps.get_model("core", "Parameter").objects.get_or_create(
        code=CODE,
        defaults={
            "name": "失信举报办理期限",
            "value": 30,
            "unit": "工作日",
            "description": "信用办分办后，承办部门受理、调查核实并答复举报人的期限（各地自定）",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("core", "Parameter").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_report_validity"), ("core", "0004_default_parameters")]
    operations = [
        migrations.AlterField(
            model_name="dishonestyreport",
            name="status",
            field=models.CharField(
                choices=[
                    ("submitted", "待分办"),
                    ("assigned", "已分办"),
                    ("accepted", "已受理"),
                    ("investigating", "调查核实中"),
                    ("concluded", "已办结"),
                    ("replied", "已答复"),
                    ("rejected", "不予受理"),
                ],
                default="submitted",
                max_length=16,
                verbose_name="状态",
            ),
        ),
        migrations.AddField(
            model_name="dishonestyreport",
            name="due_on",
            field=models.DateField(blank=True, null=True, verbose_name="办理期限"),
        ),
        migrations.RunPython(seed, unseed),
    ]
