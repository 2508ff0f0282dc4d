from django.core.exceptions import ValidationError
from django.db import models


class OfficialRecord(models.Model):
    """An entry in a public official's integrity file (公职人员诚信档案, R31): never public, readable
    only by the roles `XINYONG_INTEGRITY_READER_ROLES` names, every read audited."""

    class Kind(models.TextChoices):
        DECLARATION = "declaration", "个人有关事项报告是否如实"
        DISCIPLINE = "discipline", "党纪政务处分"
        COMMITMENT = "commitment", "廉洁从政承诺履行"
        APPRAISAL = "appraisal", "年度考核"
        OTHER = "other", "其他"

    person = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="integrity_records")
    employer = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="official_records")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    content = models.TextField("内容")
    decided_on = models.DateField("认定日期")
    recorded_by = models.CharField("录入人", max_length=150)
    recorded_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = verbose_name_plural = "公职人员诚信档案"
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.decided_on}"


class CreditAgency(models.Model):
    """A registered credit service agency (信用服务机构, R32) — itself a credit subject with its own
    records, so its dishonesty shows like anyone's."""

    class Kind(models.TextChoices):
        RATING = "rating", "信用评级"
        INVESTIGATION = "investigation", "信用调查"
        REPORT = "report", "信用报告"
        MANAGEMENT = "management", "信用管理咨询"

    subject = models.OneToOneField("subjects.Subject", on_delete=models.PROTECT, related_name="credit_agency")
    kind = models.CharField("业务类型", max_length=16, choices=Kind.choices)
    qualification = models.CharField("资质（备案）", max_length=200)
    qualification_number = models.CharField("资质编号", max_length=100)
    scope = models.TextField("业务范围", blank=True)
    valid_from = models.DateField("资质有效期自")
    valid_to = models.DateField("资质有效期至")
    is_suspended = models.BooleanField("暂停业务", default=False)
    registered_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "信用服务机构"

    def __str__(self) -> str:
        return self.subject.name


class ThirdPartyReport(models.Model):
    """A credit report an agency issued about a subject, registered so it can be verified and
    required by business matters such as tenders (R32)."""

    agency = models.ForeignKey(CreditAgency, on_delete=models.PROTECT, related_name="reports")
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="third_party_reports")
    number = models.CharField("报告编号", max_length=64)
    grade = models.CharField("信用等级", max_length=16, blank=True)
    issued_on = models.DateField("出具日期")
    valid_until = models.DateField("有效期至")
    document_sha256 = models.CharField("报告文件 SHA-256", max_length=64)
    registered_by = models.CharField("登记人", max_length=150)
    registered_at = models.DateTimeField("登记时间")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "第三方信用报告"
        constraints = [models.UniqueConstraint(fields=["agency", "number"], name="third_party_report_unique")]

    def __str__(self) -> str:
        return self.number


class ReportRequirement(models.Model):
    """A business matter that requires a valid third-party credit report (e.g. a tender, 000 §3)."""

    matter = models.OneToOneField(
        "measures.BusinessMatter", on_delete=models.CASCADE, related_name="report_requirement"
    )
    accepted_grades = models.JSONField("认可的等级", default=list, blank=True, help_text="留空表示任何等级")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "业务事项的信用报告要求"

    def __str__(self) -> str:
        return str(self.matter)


class PublicAffiliation(models.Model):
    """Who belongs to the public sector and which department answers for it (R16, 002 §14): a public body
    (机关事业单位) with its superior, a state enterprise with the department that supervises it (e.g. 国资委),
    a public employee with the employer — each over a period, so a notice goes to those responsible when
    the conduct happened.

    A department that is itself a subject (its `unified_code`) counts as a public body with its `parent` as
    superior without being registered here. Public employment is kept here rather than as a
    `subjects.Relation`: relations are public (the subject profile shows them) and name subjects, while an
    employer is a department and a person's public post is nobody else's business."""

    class Kind(models.TextChoices):
        PUBLIC_BODY = "public_body", "机关事业单位"
        STATE_ENTERPRISE = "state_enterprise", "国有企业"
        PUBLIC_EMPLOYEE = "public_employee", "公职人员"

    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", on_delete=models.PROTECT, related_name="public_affiliations"
    )
    kind = models.CharField("类型", max_length=24, choices=Kind.choices)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="负责部门",
        help_text="机关事业单位：上级主管单位；国有企业：履行出资人职责或监管的部门；公职人员：所在单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="public_affiliations",
    )
    valid_from = models.DateField("起", null=True, blank=True)
    valid_to = models.DateField("止", null=True, blank=True)
    registered_by = models.CharField("登记人", max_length=150)
    registered_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "机关事业单位、国有企业和公职人员登记"
        ordering = ["subject_id", "valid_from", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject}"


class NoticeRecipient(models.Model):
    """Who is told when a public body, state enterprise or public employee is found dishonest (R16, 002 §14):
    one row per kind and recipient, data the credit office edits in the admin (seeded from
    fixtures/notice_recipients.json)."""

    class Recipient(models.TextChoices):
        SUPERIOR = "superior", "上级主管单位／监管部门（登记的负责部门）"
        EMPLOYER = "employer", "所在单位（登记的负责部门）"
        DEPARTMENT = "department", "指定部门（按部门编码）"

    kind = models.CharField("主体类型", max_length=24, choices=PublicAffiliation.Kind.choices)
    recipient = models.CharField("通报对象", max_length=16, choices=Recipient.choices)
    department_code = models.CharField("部门编码", max_length=32, blank=True, help_text="通报对象为指定部门时填写")
    purpose = models.CharField("通报要求", max_length=100, help_text="写在推送任务中，如“请督促整改”")
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = verbose_name_plural = "失信通报对象"
        ordering = ["kind", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "recipient", "department_code"], name="notice_recipient_unique")
        ]

    def __str__(self) -> str:
        target = self.department_code or self.get_recipient_display()
        return f"{self.get_kind_display()} → {target}"

    def clean(self):
        self.department_code = self.department_code.strip()
        person = self.kind == PublicAffiliation.Kind.PUBLIC_EMPLOYEE
        if self.recipient == self.Recipient.DEPARTMENT and not self.department_code:
            raise ValidationError({"department_code": "通报对象为指定部门时须填写部门编码"})
        if self.recipient != self.Recipient.DEPARTMENT and self.department_code:
            raise ValidationError({"department_code": "只有指定部门需要部门编码"})
        if self.recipient == self.Recipient.SUPERIOR and person:
            raise ValidationError({"recipient": "公职人员通报所在单位，不是上级主管单位"})
        if self.recipient == self.Recipient.EMPLOYER and not person:
            raise ValidationError({"recipient": "所在单位只适用于公职人员"})
