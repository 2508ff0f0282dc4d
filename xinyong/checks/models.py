from django.db import models


class Check(models.Model):
    """One embedded check (应查必查, R12): what the platform answered an implementer, kept verbatim
    with a keyed digest so the implementer can prove later what it was told on that day."""

    class Result(models.TextChoices):
        RESTRICTED = "restricted", "限制"
        INCENTIVE = "incentive", "激励"
        CLEAR = "clear", "无限制"

    number = models.CharField("核查编号", max_length=32, unique=True)
    implementer = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="checks")
    checked_by = models.CharField("核查人", max_length=150)
    # Null when the code is valid but unknown to the platform: the answer is then "clear".
    subject = models.ForeignKey(
        "subjects.Subject", null=True, blank=True, on_delete=models.PROTECT, related_name="checks"
    )
    subject_code = models.CharField("主体代码", max_length=20)
    matter = models.CharField("业务事项", max_length=64)
    checked_at = models.DateTimeField("核查时间")
    result = models.CharField("结果", max_length=16, choices=Result.choices)
    # Measures in force (not suspended) in the answer: what feedback is expected on.
    measure_count = models.PositiveSmallIntegerField("应反馈措施数", default=0)
    answer = models.JSONField("返回结果")
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "核查记录"
        indexes = [
            models.Index(fields=["subject", "checked_at"]),
            models.Index(fields=["implementer", "checked_at"]),
        ]

    def __str__(self) -> str:
        return self.number


class Feedback(models.Model):
    """What the implementer did with one measure of a check (R11): applied, or not and why."""

    check_record = models.ForeignKey(Check, on_delete=models.PROTECT, related_name="feedback")
    measure = models.CharField("措施", max_length=64)
    applied = models.BooleanField("已落实")
    note = models.CharField("说明", max_length=500, blank=True)
    entry_id = models.BigIntegerField("名单条目", null=True, blank=True, db_index=True)
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="feedback")
    given_by = models.CharField("反馈人", max_length=150)
    given_at = models.DateTimeField("反馈时间")

    class Meta:
        verbose_name = verbose_name_plural = "落实反馈"
        constraints = [models.UniqueConstraint(fields=["check_record", "measure"], name="feedback_once_per_measure")]

    def __str__(self) -> str:
        return f"{self.check_record_id}:{self.measure}"


class Task(models.Model):
    """A change pushed to a department (R11, R16): a list entry published, revoked, suspended…"""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        DONE = "done", "已处理"

    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="tasks")
    # What the task is about: a list entry change pushed to implementers, or an objection or repair
    # application the handling department must decide within its deadline.
    entry = models.ForeignKey("lists.ListEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    objection = models.ForeignKey(
        "rights.Objection", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    repair = models.ForeignKey("rights.Repair", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    action = models.CharField("事项", max_length=32)
    reason = models.CharField("推送原因", max_length=200)
    created_at = models.DateTimeField("推送时间")
    due_on = models.DateField("反馈期限", null=True, blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField("处理时间", null=True, blank=True)
    done_note = models.CharField("处理说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "推送任务"
        indexes = [models.Index(fields=["department", "status"])]

    def __str__(self) -> str:
        return f"{self.department_id}:{self.action}:{self.entry_id or self.objection_id or self.repair_id}"


class SnapshotChange(models.Model):
    """Change log the in-memory check snapshot of every process catches up from: a row per changed
    entry or subject, or with neither when the measure catalog changed (then the snapshot reloads the
    catalog and the entries)."""

    entry_id = models.BigIntegerField(null=True, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    changed_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "核查快照变更"

    def __str__(self) -> str:
        return f"{self.pk}:{self.entry_id or ''}:{self.subject_id or ''}"
