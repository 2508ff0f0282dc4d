from django.core.exceptions import ValidationError
from django.db import models


class LegalBasis(models.Model):
    """A document a measure rests on (R10): above all the national cooperation memoranda listed in the
    annex of 001 (周政发〔2017〕72号), and the guiding opinions and local documents the seeds cite."""

    class Kind(models.TextChoices):
        REWARD = "reward", "守信激励"
        PUNISHMENT = "punishment", "失信惩戒"
        # Guiding opinions and some memoranda (e.g. 电子认证服务行业) cover both.
        BOTH = "both", "激励和惩戒"

    class Category(models.TextChoices):
        MEMORANDUM = "memorandum", "国家联合奖惩合作备忘录"
        GUIDELINE = "guideline", "国家及上级政策文件"
        LOCAL = "local", "本地实施文件"
        REGULATION = "regulation", "法规"

    code = models.SlugField("编码", max_length=64, unique=True)
    # Blank only for documents cited without a number (e.g. a local regulation by its title).
    document_number = models.CharField("文号", max_length=64, blank=True)
    title = models.CharField("文件名称", max_length=200)
    lead_department = models.CharField("牵头单位", max_length=100, blank=True)
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    category = models.CharField("文件类型", max_length=12, choices=Category.choices, default=Category.MEMORANDUM)
    # The row number in 001's annex (周村区落实国家联合奖惩备忘录重点任务分工), for the 24 memoranda.
    annex_no = models.PositiveSmallIntegerField("备忘录清单序号", null=True, blank=True)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = verbose_name_plural = "措施依据"
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_number"],
                condition=~models.Q(document_number=""),
                name="legal_basis_document_number_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_number} {self.title}".strip()


class BusinessMatter(models.Model):
    """A business matter (业务事项) in which an implementer checks subjects and applies measures (R12)."""

    code = models.SlugField("编码", max_length=64, unique=True)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = verbose_name_plural = "业务事项"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Measure(models.Model):
    """One reward or punishment measure of the measure lists (措施清单, R10; 000 §19, 001 四(五)).

    Which list entries trigger it, in which business matters it is applied and on what legal basis are
    all data, edited by the credit office; the check engine only reads them.
    """

    class Kind(models.TextChoices):
        REWARD = "reward", "激励"
        PUNISHMENT = "punishment", "惩戒"

    class Force(models.TextChoices):
        # 强制性: must be applied jointly by law; 推荐性: recommended, applied as circumstances allow.
        MANDATORY = "mandatory", "强制性"
        RECOMMENDED = "recommended", "推荐性"

    class Type(models.TextChoices):
        ADMINISTRATIVE = "administrative", "行政性"
        MARKET = "market", "市场性"
        INDUSTRY = "industry", "行业性"
        SOCIAL = "social", "社会性"

    class Target(models.TextChoices):
        ORGANISATION = "organisation", "单位"
        PERSON = "person", "个人"
        BOTH = "both", "单位和个人"

    class IncentiveKind(models.TextChoices):
        NONE = "", "（无）"
        GREEN_CHANNEL = "green_channel", "绿色通道"
        TOLERANCE_ACCEPTANCE = "tolerance_acceptance", "容缺受理"
        PRIORITY = "priority", "优先便利"
        FEWER_INSPECTIONS = "fewer_inspections", "减少检查频次"
        BONUS_POINTS = "bonus_points", "信用加分"

    code = models.SlugField("编码", max_length=64, unique=True)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("措施内容", blank=True)
    kind = models.CharField("奖惩", max_length=12, choices=Kind.choices)
    force = models.CharField("强制性/推荐性", max_length=12, choices=Force.choices)
    type = models.CharField("措施类型", max_length=16, choices=Type.choices)
    # Departments are matched by code (accounts.Department.code), as list initiators are.
    implementing_department_code = models.CharField("实施部门编码", max_length=32, blank=True)
    implementing_department_name = models.CharField("实施部门", max_length=100, blank=True)
    # person / both: applies to persons, including those an organisation's entry reaches (落实到人, R13).
    target = models.CharField("适用对象", max_length=16, choices=Target.choices, default=Target.ORGANISATION)
    list_types = models.ManyToManyField("lists.ListType", verbose_name="触发名单", related_name="measures", blank=True)
    matters = models.ManyToManyField(BusinessMatter, verbose_name="业务事项", related_name="measures", blank=True)
    legal_bases = models.ManyToManyField(
        LegalBasis, verbose_name="依据", through="MeasureBasis", related_name="measures", blank=True
    )
    incentive_kind = models.CharField(
        "激励方式", max_length=24, choices=IncentiveKind.choices, default=IncentiveKind.NONE, blank=True
    )
    source = models.CharField("出处", max_length=200, blank=True, help_text="种子文件段落，如 000 三（九）")
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = verbose_name_plural = "奖惩措施"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.incentive_kind and self.kind != self.Kind.REWARD:
            raise ValidationError({"incentive_kind": "激励方式只适用于激励措施"})


class MeasureBasis(models.Model):
    """A measure's legal basis, with the article of the document where it is written."""

    measure = models.ForeignKey(Measure, verbose_name="措施", on_delete=models.CASCADE)
    basis = models.ForeignKey(LegalBasis, verbose_name="依据", on_delete=models.PROTECT)
    article = models.CharField("条款", max_length=100, blank=True, help_text="如 第一条第（三）项；可留空")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "措施依据条款"
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["measure", "basis"], name="measure_basis_once")]

    def __str__(self) -> str:
        return " ".join(part for part in (self.basis.document_number, self.basis.title, self.article) if part)
