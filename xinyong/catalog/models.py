from django.db import models


class Disclosure(models.TextChoices):
    PUBLIC = "public", "社会公开"
    AUTHORISED = "authorised", "授权查询"
    GOVERNMENT = "government", "政务共享"


class Category(models.Model):
    """A category of the public credit information catalog (公共信用信息目录, R2).

    `fields` is the field schema every record of the category is validated against: a list of
    {"name", "label", "type", "required", "choices", "max_length", "aliases"} where type is one of
    string, text, date, decimal, integer, enum, code (USCC or ID number). `aliases` lists the other
    column titles offices use (Chinese titles of the national exchange format), so files are
    accepted as they are exported. `subject_fields` says which fields identify the subject.
    """

    code = models.SlugField("编码", max_length=48, unique=True)
    name = models.CharField("名称", max_length=100)
    group = models.CharField("目录分组", max_length=50, blank=True)
    description = models.TextField("说明", blank=True)
    disclosure = models.CharField("公开属性", max_length=16, choices=Disclosure.choices, default=Disclosure.PUBLIC)
    # Deadline for publication (双公示: 7 working days from the decision); null when none applies.
    publish_within_working_days = models.PositiveSmallIntegerField("公示时限（工作日）", null=True, blank=True)
    # How long a record stays public; null = while valid. Penalties follow the repair rules by severity.
    publication_months = models.PositiveSmallIntegerField("公示期限（月）", null=True, blank=True)
    counts_as_dishonesty = models.BooleanField("属于失信信息", default=False)
    fields = models.JSONField("字段定义", default=list)
    subject_fields = models.JSONField(
        "主体字段映射",
        default=dict,
        help_text='如 {"name": "CF_XDR_MC", "code": "CF_XDR_SHXYM", "person_id": "CF_XDR_ZJHM", '
        '"kind": "CF_XDR_LB", "operator_id": "CF_FR_ZJHM"}',
    )
    decision_number_field = models.CharField("文书号字段", max_length=40, blank=True)
    decision_date_field = models.CharField("决定日期字段", max_length=40, blank=True)
    severity_field = models.CharField(
        "严重程度字段", max_length=40, blank=True, help_text="按严重程度确定公示期限的类别（如行政处罚 CF_YZCD）"
    )
    providers = models.ManyToManyField(
        "accounts.Department",
        verbose_name="提供部门",
        blank=True,
        related_name="provided_categories",
        help_text="留空表示任何信息提供单位均可报送",
    )
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    updated_at = models.DateTimeField("更新时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "信息类别"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class SeverityRule(models.Model):
    """Publication periods by severity (信用修复管理办法, in force 2026-04-01; architecture §6): minor
    penalties are not published, general ones for 3 months to 1 year, serious ones 1 to 3 years.
    Publication stops by itself at the maximum; repair is possible after the minimum."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="severity_rules")
    label = models.CharField("严重程度（字段取值）", max_length=20)
    code = models.SlugField("编码", max_length=20)
    published = models.BooleanField("向社会公示", default=True)
    min_months = models.PositiveSmallIntegerField("最短公示期（月）", default=0)
    max_months = models.PositiveSmallIntegerField("最长公示期（月）")
    is_default = models.BooleanField("未填写时适用", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "严重程度与公示期限"
        constraints = [models.UniqueConstraint(fields=["category", "label"], name="severity_label_unique")]

    def __str__(self) -> str:
        return f"{self.category.name}·{self.label}"
