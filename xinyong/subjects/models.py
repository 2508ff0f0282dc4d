from django.db import models


class Subject(models.Model):
    """A credit subject (信用主体, R1): an organisation keyed by its unified social credit code, or a
    natural person keyed by a keyed hash of the ID number (the number itself is only stored encrypted).
    """

    class Kind(models.TextChoices):
        LEGAL_PERSON = "legal_person", "法人"
        OTHER_ORGANISATION = "other_organisation", "非法人组织"
        INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"
        NATURAL_PERSON = "natural_person", "自然人"

    class Status(models.TextChoices):
        ACTIVE = "active", "存续"
        REVOKED = "revoked", "吊销"
        DEREGISTERED = "deregistered", "注销"
        DECEASED = "deceased", "已故"

    kind = models.CharField("主体类型", max_length=24, choices=Kind.choices)
    # The lookup key: the USCC for organisations, "P" + keyed hash of the ID number for persons.
    key = models.CharField("检索键", max_length=80, unique=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True, db_index=True)
    code_verified = models.BooleanField(
        "代码已校验", default=True, help_text="导入的存量代码校验位不符时为否（待核实），不会被静默接受"
    )
    id_encrypted = models.TextField("身份证号（密文）", blank=True)
    id_masked = models.CharField("身份证号（脱敏）", max_length=18, blank=True)
    name = models.CharField("名称", max_length=200)
    # Name folded for search (full-width → half-width, no spaces, lower case).
    search_name = models.CharField(max_length=200, db_index=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    region_code = models.CharField("行政区划", max_length=6, blank=True)
    created_at = models.DateTimeField("建档时间")
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = verbose_name_plural = "信用主体"

    def __str__(self) -> str:
        return self.name

    @property
    def is_person(self) -> bool:
        return self.kind == self.Kind.NATURAL_PERSON

    @property
    def public_code(self) -> str:
        """The code that may be shown to anyone: the USCC, or the masked ID number."""
        return self.id_masked if self.is_person else self.uscc


class SubjectName(models.Model):
    """Name history: a company renamed keeps its earlier names searchable and shown."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="names")
    name = models.CharField("名称", max_length=200)
    # Searched only by 'contains', and only among former names (the current one is the subject's own
    # search_name): a trigram index on closed rows (migration 0004), no b-tree, which every imported
    # subject would pay for.
    search_name = models.CharField(max_length=200)
    valid_from = models.DateField("起")
    valid_to = models.DateField("止", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "曾用名"
        ordering = ["valid_from", "id"]

    def __str__(self) -> str:
        return self.name


class Relation(models.Model):
    """A person's (or organisation's) role in an organisation over a period (R1, R13: 落实到人)."""

    class Role(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_representative", "法定代表人"
        PRINCIPAL = "principal", "主要负责人"
        DIRECTOR = "director", "董事"
        SUPERVISOR = "supervisor", "监事"
        SENIOR_MANAGER = "senior_manager", "高级管理人员"
        SHAREHOLDER = "shareholder", "股东"
        ACTUAL_CONTROLLER = "actual_controller", "实际控制人"
        DIRECTLY_RESPONSIBLE = "directly_responsible", "直接责任人"
        RELATED_ENTERPRISE = "related_enterprise", "关联企业"

    organisation = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="relations")
    member = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("关系", max_length=32, choices=Role.choices)
    valid_from = models.DateField("起", null=True, blank=True)
    valid_to = models.DateField("止", null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "关联关系"
        indexes = [models.Index(fields=["member", "role"])]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()}"
