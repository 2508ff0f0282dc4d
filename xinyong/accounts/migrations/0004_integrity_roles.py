from django.db import migrations

ROLES = [
    ("personnel", "组织人事部门", "查阅公职人员诚信档案（R31）"),
    ("discipline", "纪检监察机关", "查阅公职人员诚信档案、记录处分结果（R31）"),
    ("credit_agency", "信用服务机构", "登记本机构出具的第三方信用报告（R32）"),
]


def add_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, name, description in ROLES:
        Role.objects.update_or_create(code=code, defaults={"name": name, "description": description})


def remove_roles(apps, schema_editor):
    apps.get_model("accounts", "Role").objects.filter(code__in=[r[0] for r in ROLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_user_subject")]
    operations = [migrations.RunPython(add_roles, remove_roles)]
