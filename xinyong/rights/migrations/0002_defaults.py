"""Default objection and repair rules (000 §21: 20 days; repair conditions of the 2026 measures).
The credit office changes the periods per place and adds its departments' own conditions."""

from django.db import migrations

PARAMETERS = [
    ("objection_record_days", "信息异议核查期限", 20, "天", "自收到异议之日起核查处理的期限（000 §21：20日；多地为5个工作日）"),
    ("objection_entry_days", "名单异议核查期限", 20, "天", "对名单认定提出异议的核查期限"),
    ("objection_working_days", "异议期限按工作日计算", 0, "", "1 = 上述期限按工作日计算；0 = 按自然日计算"),
    ("repair_decision_working_days", "信用修复办理期限", 10, "工作日", "认定部门自受理修复申请之日起作出决定的期限"),
]
CONDITIONS = [
    ("obligations_performed", "已履行法定义务", "已履行行政处罚决定或生效法律文书确定的义务，纠正失信行为"),
    ("credit_commitment", "作出信用承诺", "通过平台作出并公开信用承诺，承诺期内不再发生同类失信行为"),
]


def seed(apps, schema_editor):
    Parameter = apps.get_model("core", "Parameter")
    for code, name, value, unit, description in PARAMETERS:
        Parameter.objects.get_or_create(code=code, defaults={"name": name, "value": value, "unit": unit,
                                                             "description": description})
    RepairCondition = apps.get_model("rights", "RepairCondition")
    for code, name, description in CONDITIONS:
        RepairCondition.objects.get_or_create(code=code, department=None,
                                              defaults={"name": name, "description": description})


def unseed(apps, schema_editor):
    apps.get_model("core", "Parameter").objects.filter(code__in=[p[0] for p in PARAMETERS]).delete()
    apps.get_model("rights", "RepairCondition").objects.filter(department__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("rights", "0001_initial"), ("core", "0004_default_parameters")]
    operations = [migrations.RunPython(seed, unseed)]
