from django.db import models


class SelfReport(models.Model):
    """Information a subject supplies about itself (自主填报, R5, 002 §5): licences, performance,
    honours, charity. It counts only once the named department has verified it; then it becomes a
    record of the `self_reported` category through the normal record flow."""

    class Kind(models.TextChoices):
        LICENCE = "licence", "资质许可"
        PERFORMANCE = "performance", "经营业绩"
        HONOUR = "honour", "荣誉表彰"
        CHARITY = "charity", "公益慈善"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        PENDING = "pending", "待核实"
        VERIFIED = "verified", "已核实"
        REJECTED = "rejected", "未通过"

    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", on_delete=models.PROTECT, related_name="self_reports"
    )
    submitted_by = models.CharField("填报人", max_length=150)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容")
    evidence = models.TextField("证明材料说明", blank=True)
    commitment = models.TextField("真实性承诺")
    verifier = models.ForeignKey(
        "accounts.Department", verbose_name="核实部门", on_delete=models.PROTECT, related_name="self_reports"
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField("填报时间")
    reviewed_by = models.CharField("核实人", max_length=150, blank=True)
    reviewed_at = models.DateTimeField("核实时间", null=True, blank=True)
    review_reason = models.CharField("核实意见", max_length=500, blank=True)
    record = models.OneToOneField(
        "records.Record", verbose_name="入库的信用信息", null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = verbose_name_plural = "自主填报信息"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title
