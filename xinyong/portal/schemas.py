"""What the public portal API answers: suggestions, credit reports and their verification (R24), reports of
dishonesty and their handling (R25)."""

import datetime as dt
from typing import Any

from pydantic import Field

from xinyong.core.responses import CodeName, Out, SubjectRef


class SuggestionsOut(Out):
    items: list[SubjectRef] = Field(description="最多 8 个组织")


class ReportVerificationOut(Out):
    number: str = Field(examples=["XY-20250630-NF4CT9TK"])
    genuine: bool
    valid: bool = Field(description="是否在有效期内")
    status: str = Field(description="valid 或 expired", examples=["valid"])
    status_display: str = Field(examples=["真实有效"])
    subject: SubjectRef
    issued_at: dt.datetime
    valid_until: dt.datetime
    format: str = Field(examples=["pdf"])
    content_hash: str = Field(description="所交付内容的 SHA-256")
    content_hash_algorithm: str = Field(examples=["SHA-256"])


class ReportSubjectOut(Out):
    name: str
    code: str
    code_verified: bool
    kind_display: str
    status_display: str
    former_names: list[dict[str, Any]]
    relations: list[dict[str, Any]]


class CreditReportOut(Out):
    """The credit report as data (`?format=json`); `content_hash` is the SHA-256 of this JSON without that key
    (`content_hash_method`)."""

    title: str = Field(examples=["公共信用信息报告"])
    number: str = Field(examples=["XY-20250630-NF4CT9TK"])
    issuer: str
    issued_at: str = Field(description="出具时间（本地时间文本）")
    valid_until: str
    verify_url: str
    subject: ReportSubjectOut
    records: list[dict[str, Any]] = Field(description="按类别：category、category_name、count、items")
    list_entries: list[dict[str, Any]]
    objections_pending: list[dict[str, Any]]
    repair_notes: list[dict[str, Any]]
    commitments: list[dict[str, Any]]
    credit_grade: dict[str, Any] | None = Field(description="grade、grade_name、score、explanation")
    industry_measures: list[dict[str, Any]]
    statements: list[str]
    content_hash: str
    content_hash_method: str


class SubmittedOut(Out):
    number: str = Field(description="举报编号", examples=["JB202506304VHEVD"])
    query_code: str = Field(description="查询码（仅此一次显示）", examples=["66A49TY4Z8T7"])
    status: str = Field(examples=["submitted"])
    status_display: str = Field(examples=["待分办"])
    message: str


class TrackingOut(Out):
    number: str
    status: str = Field(examples=["replied"])
    status_display: str = Field(examples=["已答复"])
    submitted_at: dt.datetime
    handler: str | None = Field(description="承办部门名称")
    concluded_at: dt.datetime | None
    reply: str = Field(description="答复（已答复时）")
    replied_at: dt.datetime | None


class StepOut(Out):
    action: str = Field(examples=["assign"])
    status_after: str
    actor: str
    department: str
    note: str
    occurred_at: dt.datetime


class ReporterOut(Out):
    name: str
    contact: str


class AttachmentOut(Out):
    id: int
    name: str = Field(examples=["证据.pdf"])
    content_type: str = Field(examples=["application/pdf"])
    size: int
    sha256: str


class DishonestyReportSummaryOut(Out):
    """What a reader may see of a report: the outcome for the reported subject; the handling for government
    readers (the keys after `conclusion`)."""

    id: int
    number: str = Field(examples=["JB202506304VHEVD"])
    subject: SubjectRef
    status: str = Field(examples=["assigned"])
    status_display: str = Field(examples=["已分办"])
    submitted_at: dt.datetime
    concluded_at: dt.datetime | None
    substantiated: bool | None = Field(description="举报是否属实（办结后）")
    conclusion: str
    content: str | None = None
    handler: CodeName | None = None
    assigned_at: dt.datetime | None = None
    accepted_at: dt.datetime | None = None
    reply: str | None = None
    replied_at: dt.datetime | None = None
    attachment_count: int | None = None


class DishonestyReportOut(DishonestyReportSummaryOut):
    """The detail adds the steps (government readers), the reporter and the attachments (handler only)."""

    steps: list[StepOut] | None = None
    reporter: ReporterOut | None = None
    attachments: list[AttachmentOut] | None = None
