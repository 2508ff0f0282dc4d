from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改")

    def delete(self):
        raise PermissionError("审计日志只能追加，不能删除")


class AuditEvent(models.Model):
    """One write, or one non-public read (R29). Each event's hash covers the previous event's hash,
    so altering or removing any row breaks the chain from that row on (`xinyong audit verify`)."""

    occurred_at = models.DateTimeField("时间", db_index=True)
    actor = models.CharField("操作人", max_length=150)
    department = models.CharField("部门", max_length=32, blank=True)
    channel = models.CharField("渠道", max_length=16, default="api")
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象标识", max_length=64, blank=True, db_index=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计事件"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除")
