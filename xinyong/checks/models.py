import json

import lz4.frame
import orjson
from django.db import models

from xinyong.core.lookups import ValuesLookup, json_array


class SubjectIdsField(models.Field):
    """The subject ids a batch answered for, so "who checked this subject lately" (R11) finds batches too:
    a `bigint[]` on PostgreSQL (with a GIN index, migration 0005), JSON text on SQLite. Filter with
    `subject_ids__overlaps=[ids]`."""

    description = "subject ids"

    def db_type(self, connection):
        return "bigint[]" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        if connection.vendor == "postgresql":
            # An array literal: one string, not 10,000 parameters; written by orjson (0.1 ms against 1.5 ms).
            return "{" + orjson.dumps(value).decode()[1:-1] + "}"
        return json_array(value)

    def from_db_value(self, value, expression, connection):
        if value is None or isinstance(value, list):
            return value
        return json.loads(value)


@SubjectIdsField.register_lookup
class Overlaps(ValuesLookup):
    lookup_name = "overlaps"

    def get_db_prep_lookup(self, value, connection):
        return "%s", [self.lhs.output_field.get_db_prep_value(value, connection)]

    def as_postgresql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} && {rhs}::bigint[]", params

    def as_sql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        pairs = f"json_each({lhs}) AS ids JOIN json_each({rhs}) AS wanted ON ids.value = wanted.value"
        return f"EXISTS (SELECT 1 FROM {pairs})", params


class CheckBatch(models.Model):
    """A batch check (R12) kept as one signed document: every answer of the batch exactly as it was
    returned (`selectors.find_check` reads answer n back from it). One row per batch instead of one per
    code: storing 10,000 check rows took 5–10 times as long as answering them (bench/checks.py,
    docs/scaling.md). Answer n's check number is the batch number
    followed by n in four digits; an answer that gets feedback is copied out as a `Check` of that number."""

    number = models.CharField("批量核查编号", max_length=32, unique=True)
    implementer = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="check_batches", verbose_name="核查部门"
    )
    checked_by = models.CharField("核查人", max_length=150)
    matter = models.CharField("业务事项", max_length=64)
    checked_at = models.DateTimeField("核查时间")
    # Answers given (codes that were invalid got an error in place and no check number: not counted).
    checks = models.PositiveIntegerField("核查数")
    restricted = models.PositiveIntegerField("限制")
    incentive = models.PositiveIntegerField("激励")
    measure_count = models.PositiveIntegerField("应反馈措施数")
    # Answer n's subject id at position n (0 for a code no subject has, or an invalid one).
    subject_ids = SubjectIdsField()
    # The answers as the batch returned them, a JSON array, lz4-compressed (`answers_json()`): 5 MB of JSON for
    # 10,000 answers takes PostgreSQL ~20 ms to compress, lz4 here 2 ms.
    document = models.BinaryField("返回结果")
    # Keyed digest of `document` as stored: signing the 0.3 MB kept costs a tenth of signing the 5 MB returned.
    digest = models.CharField(max_length=80)  # `<key id>:<HMAC-SHA256 hex>` (core.crypto.sign_check)

    class Meta:
        verbose_name = verbose_name_plural = "批量核查记录"
        indexes = [models.Index(fields=["implementer", "checked_at"])]

    def __str__(self) -> str:
        return self.number

    def answers_json(self) -> bytes:
        """The answers as the batch returned them."""
        return lz4.frame.decompress(bytes(self.document))


class Check(models.Model):
    """One embedded check (应查必查, R12): what the platform answered an implementer, kept verbatim
    with a keyed digest so the implementer can prove later what it was told on that day."""

    class Result(models.TextChoices):
        RESTRICTED = "restricted", "限制"
        INCENTIVE = "incentive", "激励"
        CLEAR = "clear", "无限制"

    number = models.CharField("核查编号", max_length=32, unique=True)
    implementer = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="checks")
    checked_by = models.CharField("核查人", max_length=150)
    # Null when the code is valid but unknown to the platform: the answer is then "clear".
    subject = models.ForeignKey(
        "subjects.Subject", null=True, blank=True, on_delete=models.PROTECT, related_name="checks"
    )
    subject_code = models.CharField("主体代码", max_length=20)
    matter = models.CharField("业务事项", max_length=64)
    checked_at = models.DateTimeField("核查时间")
    result = models.CharField("结果", max_length=16, choices=Result.choices)
    # Measures in force (not suspended) in the answer: what feedback is expected on.
    measure_count = models.PositiveSmallIntegerField("应反馈措施数", default=0)
    answer = models.JSONField("返回结果")
    digest = models.CharField(max_length=80)  # `<key id>:<HMAC-SHA256 hex>` (core.crypto.sign_check)
    # Set when this is one answer of a batch, copied out of the batch document to take feedback.
    batch = models.ForeignKey(CheckBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="items")

    class Meta:
        verbose_name = verbose_name_plural = "核查记录"
        indexes = [
            models.Index(fields=["subject", "checked_at"]),
            models.Index(fields=["implementer", "checked_at"]),
        ]

    def __str__(self) -> str:
        return self.number


class Feedback(models.Model):
    """What the implementer did with one measure of a check (R11): applied, or not and why."""

    check_record = models.ForeignKey(Check, on_delete=models.PROTECT, related_name="feedback")
    measure = models.CharField("措施", max_length=64)
    applied = models.BooleanField("已落实")
    note = models.CharField("说明", max_length=500, blank=True)
    entry_id = models.BigIntegerField("名单条目", null=True, blank=True, db_index=True)
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="feedback")
    given_by = models.CharField("反馈人", max_length=150)
    given_at = models.DateTimeField("反馈时间")

    class Meta:
        verbose_name = verbose_name_plural = "落实反馈"
        constraints = [models.UniqueConstraint(fields=["check_record", "measure"], name="feedback_once_per_measure")]

    def __str__(self) -> str:
        return f"{self.check_record_id}:{self.measure}"


class SnapshotChange(models.Model):
    """Change log the in-memory check snapshot of every process catches up from: a row per changed
    entry or subject, or with neither when the measure catalog changed (then the snapshot reloads the
    catalog and the entries)."""

    entry_id = models.BigIntegerField(null=True, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    changed_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "核查快照变更"

    def __str__(self) -> str:
        return f"{self.pk}:{self.entry_id or ''}:{self.subject_id or ''}"
