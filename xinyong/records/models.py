from django.db import models


class Channel(models.TextChoices):
    API = "api", "接口推送"
    FILE = "file", "文件导入"
    FEDERATION = "federation", "上级平台"
    SELF_REPORT = "self_report", "自主填报"
    SYSTEM = "system", "系统生成"


class ImportJob(models.Model):
    """A bulk file delivered by a provider (R3). Rows are processed in order; `next_line` is where a
    resumed run continues, so an interrupted import never redoes or skips a row."""

    class Status(models.TextChoices):
        PENDING = "pending", "等待处理"
        RUNNING = "running", "处理中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    category = models.ForeignKey(
        "catalog.Category", verbose_name="信息类别", on_delete=models.PROTECT, related_name="import_jobs"
    )
    provider = models.ForeignKey(
        "accounts.Department", verbose_name="提供部门", on_delete=models.PROTECT, related_name="import_jobs"
    )
    created_by = models.CharField("提交人", max_length=150)
    file_name = models.CharField("文件名", max_length=255)
    file_path = models.CharField("存储路径", max_length=500)
    file_sha256 = models.CharField("文件 SHA-256", max_length=64, db_index=True)
    file_format = models.CharField("格式", max_length=8)
    encoding = models.CharField("编码", max_length=16, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    message = models.TextField("说明", blank=True)
    total_rows = models.PositiveIntegerField("总行数", null=True, blank=True)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    next_line = models.PositiveIntegerField("下一待处理行号", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    version_count = models.PositiveIntegerField("更新版本", default=0)
    duplicate_count = models.PositiveIntegerField("重复", default=0)
    error_count = models.PositiveIntegerField("错误", default=0)
    created_at = models.DateTimeField("提交时间")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "导入任务"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def progress(self) -> float | None:
        if not self.total_rows:
            return 1.0 if self.status == self.Status.DONE else None
        return min(1.0, self.processed_rows / self.total_rows)


class ImportRowError(models.Model):
    job = models.ForeignKey(ImportJob, verbose_name="导入任务", on_delete=models.CASCADE, related_name="row_errors")
    line = models.PositiveIntegerField("行号")
    column = models.CharField("列", max_length=100, blank=True)
    reason = models.CharField("原因", max_length=500)

    class Meta:
        verbose_name = verbose_name_plural = "导入错误行"
        ordering = ["line", "id"]
        indexes = [models.Index(fields=["job", "line"])]

    def __str__(self) -> str:
        return f"第{self.line}行 {self.column}：{self.reason}"


class Record(models.Model):
    """One credit record (信用信息) of a catalog category about a subject, from a provider (R3, R4).

    Re-sending identical content is recognised by `content_hash` and stores nothing new; a changed
    record with the same decision number becomes a new version (`supersedes` → the previous one),
    so the history of every decision is kept (可查可核可溯).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "有效"
        UNDER_OBJECTION = "under_objection", "异议处理中"
        CORRECTED = "corrected", "已更正"
        REVOKED = "revoked", "已撤销"
        REPAIRED = "repaired", "已信用修复"
        EXPIRED = "expired", "公示期满"
        SUPERSEDED = "superseded", "已被新版本替代"

    # No single-column indexes on these three: the composite indexes below start with each of them
    # (they serve the foreign keys too), and every index costs each imported row its insertion.
    # Category, provider and import job are held by the application, not by database constraints: each
    # constraint cost every imported row a trigger and a look-up (about 3 µs each, a fifth of what
    # PostgreSQL spends on a row), for rows of small administrative tables that are never deleted but
    # through Django, whose collector applies PROTECT and SET_NULL itself. The subject keeps its constraint.
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name="信息类别",
        on_delete=models.PROTECT,
        related_name="records",
        db_index=False,
        db_constraint=False,
    )
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", on_delete=models.PROTECT, related_name="records", db_index=False
    )
    provider = models.ForeignKey(
        "accounts.Department",
        verbose_name="提供部门",
        on_delete=models.PROTECT,
        related_name="records",
        db_index=False,
        db_constraint=False,
    )
    decision_number = models.CharField("文书号", max_length=100, blank=True)
    decision_date = models.DateField("决定日期", null=True, blank=True)
    fields = models.JSONField("字段")
    # Looked up among current records only: `record_current_content_unique` is its index.
    content_hash = models.CharField("内容摘要", max_length=64)
    version = models.PositiveIntegerField("版本", default=1)
    supersedes = models.OneToOneField(
        "self", verbose_name="替代的版本", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    is_current = models.BooleanField("当前版本", default=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # Provenance: how, when and from whom it came; for files the stored file and line are the raw payload.
    channel = models.CharField("来源渠道", max_length=16, choices=Channel.choices)
    received_by = models.CharField("报送人", max_length=150)
    received_at = models.DateTimeField("接收时间")
    import_job = models.ForeignKey(
        ImportJob,
        verbose_name="导入任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="records",
        db_constraint=False,
    )
    source_line = models.PositiveIntegerField("文件行号", null=True, blank=True)
    raw = models.JSONField("原始报文（个人信息已脱敏）", null=True, blank=True)
    # Personal ID numbers found in the fields, encrypted; `fields` and `raw` hold them masked only.
    personal_encrypted = models.TextField("个人信息密文", blank=True)
    # Double publicity (双公示): due by decision date + N working days; published when released.
    publish_due = models.DateField("应公示日期", null=True, blank=True)
    published_at = models.DateTimeField("公示时间", null=True, blank=True)
    overdue_flagged_on = models.DateField("逾期标记日期", null=True, blank=True)
    publication_ends_on = models.DateField("公示截止日期", null=True, blank=True)
    status_reason = models.CharField("状态说明", max_length=500, blank=True)
    status_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "信用信息"
        indexes = [
            models.Index(fields=["subject", "is_current"]),
            models.Index(fields=["provider", "category", "decision_number"]),
            models.Index(fields=["category", "publish_due"]),
            models.Index(fields=["provider", "decision_date"]),
            # Tracking statistics (R28) count, per department, what arrived in a month and how the month's
            # decisions were published: read from these two indexes alone (index-only scans), since a
            # month's rows lie all over a table loaded in bulk.
            models.Index(fields=["received_at", "provider"], name="record_received_provider"),
            models.Index(
                fields=["decision_date", "provider", "category", "publish_due", "published_at"],
                condition=models.Q(is_current=True),
                name="record_publicity_month",
            ),
        ]
        constraints = [
            # Idempotency: identical content is held once among current records; an old version may
            # share the hash of a later revert to it.
            models.UniqueConstraint(
                fields=["content_hash"], condition=models.Q(is_current=True), name="record_current_content_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.decision_number or f"信用信息 #{self.pk}"


class RecordEvent(models.Model):
    """Every status change of a record, so `as_of` can say what was public on a past date (R22 history)."""

    record = models.ForeignKey(Record, verbose_name="信用信息", on_delete=models.CASCADE, related_name="events")
    status = models.CharField("变更后状态", max_length=20, choices=Record.Status.choices)
    published = models.BooleanField("变更后是否公示")
    reason = models.CharField("原因", max_length=500, blank=True)
    actor = models.CharField("操作人", max_length=150)
    occurred_at = models.DateTimeField("时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "信用信息变更记录"
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.record_id}:{self.status}"
