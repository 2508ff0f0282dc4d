"""我的信用 (issue 20): subjects' own accounts (who registered, how the identity was checked, who approved),
the documents they file with objections and repairs, and the notices shown on their pages."""

from django.db import models


class SubjectAccount(models.Model):
    """A sign-in of a credit subject: a company's legal representative or one of its agents (经办人), or a
    person. Registration makes one (pending, or active at once when the identity check confirms it); the
    credit office approves or rejects a pending one; the legal representative adds and removes agents."""

    class Kind(models.TextChoices):
        REPRESENTATIVE = "representative", "法定代表人"
        AGENT = "agent", "经办人"
        PERSON = "person", "本人"

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        ACTIVE = "active", "已开通"
        REJECTED = "rejected", "未通过"
        REMOVED = "removed", "已停用"

    user = models.OneToOneField("accounts.User", on_delete=models.PROTECT, related_name="subject_account")
    kind = models.CharField("账号类型", max_length=16, choices=Kind.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    # Bound once the identity is confirmed (a pending company may not be on the platform yet).
    subject = models.ForeignKey(
        "subjects.Subject", null=True, blank=True, on_delete=models.PROTECT, related_name="subject_accounts"
    )
    # What the applicant declared: the subject's code (a USCC; a person's ID number is only kept
    # encrypted, below) and name, and the person who signs up (the legal representative, the agent, or
    # the person) with the ID number encrypted and masked.
    claimed_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    claimed_name = models.CharField("主体名称", max_length=200)
    person_name = models.CharField("姓名", max_length=50)
    id_encrypted = models.TextField("身份证号（密文）")
    id_masked = models.CharField("身份证号（脱敏）", max_length=18)
    submitted_at = models.DateTimeField("申请时间")
    check_note = models.CharField("身份核验结果", max_length=200, blank=True)
    added_by = models.CharField("添加人", max_length=150, blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = models.CharField("审核人", max_length=150, blank=True)
    decision_reason = models.CharField("审核意见", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "信用主体账号"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "submitted_at"]), models.Index(fields=["subject", "status"])]

    def __str__(self) -> str:
        return f"{self.claimed_name}·{self.person_name}"


class Document(models.Model):
    """A file a subject filed with an objection (证明材料) or with one condition of a repair application."""

    objection = models.ForeignKey(
        "rights.Objection", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    repair = models.ForeignKey(
        "rights.Repair", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    condition = models.CharField("对应修复条件", max_length=40, blank=True)
    original_name = models.CharField("原文件名", max_length=200)
    stored_path = models.CharField("存储路径（相对数据目录）", max_length=300)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField("字节数")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.CharField("上传人", max_length=150)
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = verbose_name_plural = "证明材料"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Notice(models.Model):
    """A message on the subject's 我的信用 page (and by e-mail where configured): something was added
    about it, a decision was made on its application, a listing is about to end. `key` names the event,
    so the same event never makes two notices."""

    class Kind(models.TextChoices):
        ADDED = "added", "新增信息"
        DECISION = "decision", "办理结果"
        ENDING = "ending", "即将期满"
        ACCOUNT = "account", "账号"

    subject = models.ForeignKey("subjects.Subject", on_delete=models.CASCADE, related_name="notices")
    key = models.CharField(max_length=80)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    text = models.CharField("内容", max_length=500)
    url = models.CharField("链接", max_length=200, blank=True)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "主体通知"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["subject", "key"], name="notice_once_per_event")]

    def __str__(self) -> str:
        return self.text[:40]
