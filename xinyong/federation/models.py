from django.db import models


class Kind(models.TextChoices):
    RECORD = "record", "信用信息"
    ENTRY = "entry", "名单条目"


class OutboxMessage(models.Model):
    """A state of a record or list entry that is to leave the district (R30, architecture §9).

    Written in the transaction that changed the record or entry, so nothing committed is missed;
    `msg_id` is the hash of the payload and doubles as the JetStream `Nats-Msg-Id`, so a resend after
    a crash between publish and `sent_at` is dropped by the broker and, past its window, by the receiver.
    """

    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    object_id = models.BigIntegerField("对象编号")
    msg_id = models.CharField("消息编号（内容哈希）", max_length=64, unique=True)
    payload = models.JSONField("报文")
    created_at = models.DateTimeField("生成时间")
    sent_at = models.DateTimeField("发送确认时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "待上报消息"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["sent_at", "id"]),
            models.Index(fields=["kind", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.msg_id[:12]}"


class InboundMessage(models.Model):
    """A message received from another platform, kept once: a redelivered message changes nothing."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", "已接收"
        DUPLICATE = "duplicate", "重复（无变化）"
        REJECTED = "rejected", "未接收"

    source = models.CharField("来源平台", max_length=32)
    msg_id = models.CharField("消息编号", max_length=64)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices)
    detail = models.CharField("说明", max_length=500, blank=True)
    local_id = models.BigIntegerField("本地对象编号", null=True, blank=True)
    received_at = models.DateTimeField("接收时间")

    class Meta:
        verbose_name = verbose_name_plural = "接收消息"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["source", "msg_id"], name="federation_inbound_unique")]

    def __str__(self) -> str:
        return f"{self.source}:{self.msg_id[:12]} {self.outcome}"


class ReceivedEntry(models.Model):
    """Which local list entry stands for an entry of another platform, so its end is applied to it."""

    source = models.CharField("来源平台", max_length=32)
    origin_id = models.BigIntegerField("来源条目编号")
    entry = models.OneToOneField("lists.ListEntry", on_delete=models.CASCADE, related_name="federation_origin")

    class Meta:
        verbose_name = verbose_name_plural = "接收的名单条目"
        constraints = [models.UniqueConstraint(fields=["source", "origin_id"], name="federation_entry_origin_unique")]

    def __str__(self) -> str:
        return f"{self.source}:{self.origin_id} → {self.entry_id}"
