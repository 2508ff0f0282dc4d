"""Tasks and notices pushed to a department's inbox (R11, R16): a list change to act on, a decision owed to
a subject, a public-sector dishonesty to weigh. Other slices create them through `notices.services`."""

from django.db import models


class Task(models.Model):
    """A change pushed to a department (R11, R16): a list entry published, revoked, suspended…"""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        DONE = "done", "已处理"

    class Action(models.TextChoices):
        PUBLISH = "publish", "名单发布"
        REVOKE = "revoke", "名单撤销"
        EXPIRE = "expire", "期限届满"
        SUSPEND = "suspend", "异议暂停"
        RESUME = "resume", "异议恢复"
        OBJECTION = "objection", "异议核查"
        REPAIR = "repair", "信用修复"
        SUPERIOR_NOTICE = "superior_notice", "上级主管单位通报"
        EMPLOYER_NOTICE = "employer_notice", "所在单位通报"
        DEPARTMENT_NOTICE = "department_notice", "相关部门通报"
        NOTICE_UNDELIVERABLE = "notice_undeliverable", "通报无法送达"
        NOTICE_LIFTED = "notice_lifted", "通报事项解除"

    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="tasks", verbose_name="部门"
    )
    # What the task is about: a list entry change pushed to implementers, or an objection or repair
    # application the handling department must decide within its deadline.
    entry = models.ForeignKey(
        "lists.ListEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name="名单条目",
    )
    objection = models.ForeignKey(
        "rights.Objection", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    repair = models.ForeignKey("rights.Repair", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    action = models.CharField("事项", max_length=32, choices=Action.choices)
    reason = models.CharField("推送原因", max_length=200)
    created_at = models.DateTimeField("推送时间")
    due_on = models.DateField("反馈期限", null=True, blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField("处理时间", null=True, blank=True)
    done_note = models.CharField("处理说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "推送任务"
        # The table and its index keep the names they had when tasks lived in `checks` (moved without
        # copying a row: migrations.SeparateDatabaseAndState).
        db_table = "checks_task"
        indexes = [models.Index(fields=["department", "status"], name="checks_task_departm_651050_idx")]

    def __str__(self) -> str:
        return f"{self.department_id}:{self.action}:{self.entry_id or self.objection_id or self.repair_id}"
