from django.core.exceptions import ValidationError
from django.db import models

# How an entry may leave the list before its period ends (credit repair methods, R21; 002 §15, 000 §20).
EXIT_CONDITIONS = {
    "obligations_performed": "履行法定义务",
    "credit_commitment": "作出信用承诺",
    "rectified": "完成整改、纠正失信行为",
    "training": "参加信用修复专题培训",
    "credit_report": "提交信用报告",
    "public_service": "参加公益慈善活动",
}
# Whom an organisation's entry reaches (落实到人, R13; 000 §13, 001 三（六）): roles of subjects.Relation.
PERSON_ROLES = {
    "legal_representative": "法定代表人",
    "principal": "主要负责人",
    "director": "董事",
    "supervisor": "监事",
    "senior_manager": "高级管理人员",
    "actual_controller": "实际控制人",
    "directly_responsible": "直接责任人",
}


class ListType(models.Model):
    """A kind of list (R6–R8): red, black (serious dishonesty) or watch, local or national, with its
    entry criteria, initiating department, periods and early-exit rule — all data."""

    class Kind(models.TextChoices):
        RED = "red", "红名单"
        BLACK = "black", "黑名单（失信联合惩戒对象）"
        WATCH = "watch", "重点关注对象名单"

    class Scope(models.TextChoices):
        NATIONAL = "national", "全国性名单"
        LOCAL = "local", "本地名单"

    code = models.SlugField("编码", max_length=64, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=8, choices=Kind.choices)
    scope = models.CharField("范围", max_length=8, choices=Scope.choices, default=Scope.LOCAL)
    initiator_department_code = models.CharField("认定部门编码", max_length=32, blank=True)
    initiator_name = models.CharField("认定部门", max_length=100, blank=True)
    entry_criteria = models.TextField("列入标准", blank=True)
    legal_basis = models.TextField("认定依据", blank=True)
    default_period_months = models.PositiveSmallIntegerField("默认期限（月）", null=True, blank=True)
    min_period_months = models.PositiveSmallIntegerField("最短期限（月）", null=True, blank=True)
    max_period_months = models.PositiveSmallIntegerField("最长期限（月）", null=True, blank=True)
    early_exit_rule = models.TextField("提前移出规则", blank=True)
    early_exit_conditions = models.JSONField("提前移出条件", default=list, blank=True)
    person_level = models.BooleanField("落实到人", default=False)
    person_roles = models.JSONField("落实到人的角色", default=list, blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = verbose_name_plural = "名单类型"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        unknown = [c for c in self.early_exit_conditions or [] if c not in EXIT_CONDITIONS]
        if unknown:
            errors["early_exit_conditions"] = f"未知的提前移出条件：{unknown}，可选：{list(EXIT_CONDITIONS)}"
        unknown = [r for r in self.person_roles or [] if r not in PERSON_ROLES]
        if unknown:
            errors["person_roles"] = f"未知的角色：{unknown}，可选：{list(PERSON_ROLES)}"
        if self.person_level and not self.person_roles:
            errors["person_roles"] = "落实到人时须选择至少一个角色"
        low, default, high = self.min_period_months, self.default_period_months, self.max_period_months
        if high is not None and any(v is not None and v > high for v in (low, default)):
            errors["max_period_months"] = "最长期限不得短于最短期限和默认期限"
        if errors:
            raise ValidationError(errors)


class ListEntry(models.Model):
    """A subject on a list (R7–R9), decided by the initiating department, with its period.

    Person-level entries (落实到人, R13) are derived from an organisation's entry for each person who
    held a listed role when the conduct happened; they point back with `derived_from` and `via_role`
    and follow the organisation entry's lifecycle.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "有效"
        REVOKED = "revoked", "已撤销"
        EXPIRED = "expired", "已到期"
        EXITED = "exited", "已移出（信用修复）"

    list_type = models.ForeignKey(ListType, on_delete=models.PROTECT, related_name="entries")
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="list_entries")
    initiator = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="list_entries")
    document_number = models.CharField("认定文书号", max_length=100)
    basis = models.TextField("认定依据")
    reason = models.TextField("失信/守信事实", blank=True)
    decided_on = models.DateField("认定日期")
    conduct_on = models.DateField("行为发生日期", null=True, blank=True)
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    under_objection = models.BooleanField("异议处理中", default=False)
    records = models.ManyToManyField("records.Record", verbose_name="关联信用信息", blank=True)
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="derived_entries"
    )
    via_role = models.CharField("关联角色", max_length=32, blank=True)
    created_by = models.CharField("录入人", max_length=150)
    created_at = models.DateTimeField("录入时间")
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "名单条目"
        indexes = [
            models.Index(fields=["subject", "status"]),
            models.Index(fields=["status", "ends_on"]),
            models.Index(fields=["list_type", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.list_type.name}：{self.subject.name}"


# What each `ListEntryEvent.action` is called on the pages.
EVENT_NAMES = {
    "create": "认定发布",
    "derive": "随组织列入（落实到人）",
    "revoke": "撤销",
    "expire": "期限届满移出",
    "exit": "提前移出",
    "repair": "信用修复移出",
    "objection": "提出异议，措施暂停",
    "resume": "异议不成立，措施恢复",
}


class ListEntryEvent(models.Model):
    """Every change of an entry, with who and why (R9)."""

    entry = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("变更", max_length=32)
    actor = models.CharField("操作人", max_length=150)
    department = models.CharField("部门", max_length=32, blank=True)
    reason = models.CharField("原因", max_length=500, blank=True)
    status_after = models.CharField("变更后状态", max_length=16)
    occurred_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "名单变更记录"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.action}"


class CleanRecordPublication(models.Model):
    """The monthly publication of subjects with no bad record (R6, 000 §1): which month, as of which
    day, how many, and the subjects themselves (`CleanRecordMember`): what was published stays what was
    published, and reading a page of it is an indexed read, not the anti-join over millions of records."""

    month = models.DateField("月份", unique=True, help_text="该月第一天")
    as_of = models.DateField("截至日期")
    years = models.PositiveSmallIntegerField("无不良记录年限")
    subject_count = models.PositiveIntegerField("主体数")
    generated_at = models.DateTimeField("生成时间")

    class Meta:
        verbose_name = verbose_name_plural = "无不良记录主体月度公布"
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}：{self.subject_count}"


class CleanRecordMember(models.Model):
    """One subject of a monthly clean-record publication, in the published order."""

    publication = models.ForeignKey(CleanRecordPublication, on_delete=models.CASCADE, related_name="members")
    position = models.PositiveIntegerField("序号")
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "无不良记录主体公布名单"
        constraints = [models.UniqueConstraint(fields=["publication", "position"], name="clean_member_position")]

    def __str__(self) -> str:
        return f"{self.publication_id}:{self.position}"
