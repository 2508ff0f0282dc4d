"""`Task` taken over from `checks` (checks 0008) without moving a row: created in this app's state only, on
the existing table `checks_task`. Its content type moves too, so the admin permissions granted on it (roles'
defaults, accounts 0005) and the admin's history keep pointing at it."""

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="notices", model="task").exists():
        ContentType.objects.filter(app_label="checks", model="task").update(app_label="notices")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="checks", model="task").exists():
        ContentType.objects.filter(app_label="notices", model="task").update(app_label="checks")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("checks", "0008_task_moves_to_notices"),
        ("accounts", "0005_role_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("lists", "0004_clean_record_members"),
        ("rights", "0002_defaults"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Task',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('publish', '名单发布'), ('revoke', '名单撤销'), ('expire', '期限届满'), ('suspend', '异议暂停'), ('resume', '异议恢复'), ('objection', '异议核查'), ('repair', '信用修复'), ('superior_notice', '上级主管单位通报'), ('employer_notice', '所在单位通报'), ('department_notice', '相关部门通报'), ('notice_undeliverable', '通报无法送达'), ('notice_lifted', '通报事项解除')], max_length=32, verbose_name='事项')),
                        ('reason', models.CharField(max_length=200, verbose_name='推送原因')),
                        ('created_at', models.DateTimeField(verbose_name='推送时间')),
                        ('due_on', models.DateField(blank=True, null=True, verbose_name='反馈期限')),
                        ('status', models.CharField(choices=[('open', '待处理'), ('done', '已处理')], default='open', max_length=8, verbose_name='状态')),
                        ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='处理时间')),
                        ('done_note', models.CharField(blank=True, max_length=500, verbose_name='处理说明')),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='accounts.department', verbose_name='部门')),
                        ('entry', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='lists.listentry', verbose_name='名单条目')),
                        ('objection', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='rights.objection')),
                        ('repair', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='rights.repair')),
                    ],
                    options={
                        'verbose_name': '推送任务',
                        'verbose_name_plural': '推送任务',
                        'db_table': 'checks_task',
                        'indexes': [models.Index(fields=['department', 'status'], name='checks_task_departm_651050_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
