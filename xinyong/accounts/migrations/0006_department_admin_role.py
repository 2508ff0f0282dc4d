from django.db import migrations

CODE = "department_admin"


def add_role(apps, schema_editor):
    apps.get_model("accounts", "Role").objects.update_or_create(
        code=CODE, defaults={"name": "部门管理员", "description": "在工作台为本部门的系统签发、吊销接口令牌"}
    )


def remove_role(apps, schema_editor):
    apps.get_model("accounts", "Role").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_role_permissions")]
    operations = [migrations.RunPython(add_role, remove_role)]
