"""The portal's own data: typical cases (R23), issued credit reports (R24) and reports of dishonesty
(举报, R25) with their handling steps and attachments."""

from django.db import models


class TypicalCase(models.Model):
    """A typical case (典型案例) of trustworthiness or dishonesty that the credit office writes in the
    admin and publishes on the portal."""

    class Category(models.TextChoices):
        RED = "red", "守信典型（红）"
        BLACK = "black", "失信典型（黑）"

    title = models.CharField("标题", max_length=200)
    summary = models.TextField("案例内容")
    category = models.CharField("类别", max_length=8, choices=Category.choices)
    date = models.DateField("日期")
    published = models.BooleanField("已发布", default=False, help_text="勾选后在信用门户公开")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "典型案例"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["published", "category", "date"])]

    def __str__(self) -> str:
        return self.title


class IssuedReport(models.Model):
    """Every credit report handed out (R24): what `GET /reports/verify/{number}` answers from.
    `content_hash` is the SHA-256 of the PDF file as delivered, or of the canonical JSON document."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        JSON = "json", "JSON"

    number = models.CharField("报告编号", max_length=32, unique=True)
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="issued_reports")
    subject_name = models.CharField("主体名称（出具时）", max_length=200)
    issued_at = models.DateTimeField("出具时间")
    valid_until = models.DateTimeField("有效期至")
    content_hash = models.CharField("内容 SHA-256", max_length=64)
    format = models.CharField("格式", max_length=8, choices=Format.choices)
    requester_ip_hash = models.CharField("请求方 IP（密钥哈希）", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "已出具信用报告"
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number


class DishonestyReport(models.Model):
    """A report of dishonest conduct (失信行为举报, R25). The reporter's name and contact are stored
    encrypted and shown only to the handling department (000 §12: 对举报人信息严格保密)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待分办"
        ASSIGNED = "assigned", "已分办"
        ACCEPTED = "accepted", "已受理"
        INVESTIGATING = "investigating", "调查核实中"
        CONCLUDED = "concluded", "已办结"
        REPLIED = "replied", "已答复"
        REJECTED = "rejected", "不予受理"

    number = models.CharField("举报编号", max_length=32, unique=True)
    query_code_hash = models.CharField(max_length=64)
    subject = models.ForeignKey(
        "subjects.Subject", null=True, blank=True, on_delete=models.PROTECT, related_name="dishonesty_reports"
    )
    subject_name = models.CharField("被举报主体名称", max_length=200)
    subject_code = models.CharField("被举报主体代码", max_length=18, blank=True)
    reporter_name_encrypted = models.TextField("举报人姓名（密文）")
    reporter_contact_encrypted = models.TextField("举报人联系方式（密文）")
    content = models.TextField("举报内容")
    channel = models.CharField("渠道", max_length=16, default="portal")
    requester_ip_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    handler = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dishonesty_reports",
        verbose_name="承办部门",
    )
    submitted_at = models.DateTimeField("提交时间")
    assigned_at = models.DateTimeField("分办时间", null=True, blank=True)
    # Set on assignment: `report_handling_working_days` working days later the reporter is owed a reply.
    due_on = models.DateField("办理期限", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    concluded_at = models.DateTimeField("办结时间", null=True, blank=True)
    substantiated = models.BooleanField("举报属实", null=True, blank=True)
    conclusion = models.TextField("调查结论", blank=True)
    reply = models.TextField("答复内容", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "失信行为举报"
        ordering = ["-id"]
        indexes = [models.Index(fields=["handler", "status"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.number


class DishonestyReportAttachment(models.Model):
    report = models.ForeignKey(DishonestyReport, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField("原文件名", max_length=200)
    stored_path = models.CharField("存储路径（相对数据目录）", max_length=300)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField("字节数")
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "举报附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class DishonestyReportStep(models.Model):
    """One step of the handling workflow (分办、受理、调查、办结、答复), with who and when."""

    report = models.ForeignKey(DishonestyReport, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("环节", max_length=16)
    status_after = models.CharField("环节后状态", max_length=16)
    actor = models.CharField("办理人", max_length=150)
    department = models.CharField("部门", max_length=32, blank=True)
    note = models.TextField("办理意见", blank=True)
    occurred_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "举报办理记录"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"
