from django.db import models


class Objection(models.Model):
    """An objection (异议, R20) to a record or a list entry. Filing marks the item at once and
    suspends measures based on it; the handling department verifies within the set period."""

    class Status(models.TextChoices):
        PENDING = "pending", "核查中"
        UPHELD = "upheld", "异议成立"
        REJECTED = "rejected", "异议不成立"

    class Outcome(models.TextChoices):
        CORRECTED = "corrected", "已更正"
        REVOKED = "revoked", "已撤销"

    record = models.ForeignKey(
        "records.Record", null=True, blank=True, on_delete=models.PROTECT, related_name="objections"
    )
    entry = models.ForeignKey(
        "lists.ListEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="objections"
    )
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="objections")
    handler = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="objections")
    filed_by = models.CharField("提出人", max_length=150)
    reason = models.TextField("异议理由")
    evidence = models.TextField("证明材料说明", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    outcome = models.CharField("处理结果", max_length=10, choices=Outcome.choices, blank=True)
    filed_at = models.DateTimeField("提出时间")
    due_on = models.DateField("核查期限")
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    decided_by = models.CharField("办理人", max_length=150, blank=True)
    decision_reason = models.TextField("处理理由", blank=True)
    overdue_flagged_on = models.DateField("逾期标记日期", null=True, blank=True)
    status_before = models.CharField("提出前状态", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "异议"
        ordering = ["-id"]
        indexes = [models.Index(fields=["handler", "status"]), models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"异议#{self.pk}"


class RepairCondition(models.Model):
    """A condition a repair application must meet (R21): the national ones for every repair, plus
    each department's own (training, a credit report, …) — data the credit office maintains."""

    code = models.SlugField("编码", max_length=40)
    name = models.CharField("条件", max_length=100)
    description = models.TextField("说明", blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="repair_conditions",
        help_text="留空表示所有认定部门均要求",
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "信用修复条件"
        constraints = [models.UniqueConstraint(fields=["code", "department"], name="repair_condition_unique")]

    def __str__(self) -> str:
        return self.name


# The ways of repairing credit (R21; 002 §15) an application names, in words for pages.
REPAIR_METHODS = {
    "fulfil": "履行法定义务",
    "commit": "作出信用承诺",
    "rectify": "整改纠正失信行为",
    "training": "参加信用修复培训",
    "credit_report": "提交信用报告",
    "public_service": "参加公益慈善活动",
}


class Repair(models.Model):
    """A credit repair application (信用修复, R21) or early exit from a list: "who decided, repairs"."""

    class Status(models.TextChoices):
        PENDING = "pending", "审核中"
        APPROVED = "approved", "修复成功"
        REFUSED = "refused", "不予修复"

    record = models.ForeignKey(
        "records.Record", null=True, blank=True, on_delete=models.PROTECT, related_name="repairs"
    )
    entry = models.ForeignKey(
        "lists.ListEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="repairs"
    )
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="repairs")
    handler = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="repairs")
    applicant = models.CharField("申请人", max_length=150)
    methods = models.JSONField("修复方式", default=list)
    commitment = models.TextField("信用承诺", blank=True)
    conditions_met = models.JSONField("已满足条件", default=list)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    filed_at = models.DateTimeField("申请时间")
    due_on = models.DateField("办理期限", null=True, blank=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    decided_by = models.CharField("办理人", max_length=150, blank=True)
    decision_reason = models.TextField("办理意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "信用修复申请"
        ordering = ["-id"]
        indexes = [models.Index(fields=["handler", "status"])]

    def __str__(self) -> str:
        return f"修复#{self.pk}"


class RepairNote(models.Model):
    """The public repair note (修复说明) the deciding department publishes after a repair (000 §20)."""

    repair = models.OneToOneField(Repair, on_delete=models.PROTECT, related_name="note")
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="repair_notes")
    text = models.TextField("修复说明")
    published_at = models.DateTimeField("公示时间")

    class Meta:
        verbose_name = verbose_name_plural = "信用修复公示"
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.text[:40]
