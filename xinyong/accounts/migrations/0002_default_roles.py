from django.db import migrations

ROLES = [
    ("credit_office", "信用办", "管理目录、措施清单和名单类型，跟踪各部门工作"),
    ("provider", "信息提供单位", "归集推送信用信息"),
    ("initiator", "发起部门", "认定红黑名单、发起联合奖惩"),
    ("implementer", "实施部门", "在审批中嵌入核查并反馈措施落实情况"),
    ("auditor", "审计员", "查阅审计日志"),
    ("subject", "信用主体", "企业或个人本人：提出异议、申请信用修复、自主填报"),
]


def add_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, name, description in ROLES:
        Role.objects.update_or_create(code=code, defaults={"name": name, "description": description})


def remove_roles(apps, schema_editor):
    apps.get_model("accounts", "Role").objects.filter(code__in=[r[0] for r in ROLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(add_roles, remove_roles)]
