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
