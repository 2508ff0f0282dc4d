"""What the objections and repair API answers (R20–R22), and this slice's sections of a public profile."""

import datetime as dt

from pydantic import Field

from xinyong.core.responses import Out, SubjectRef


class ObjectionOut(Out):
    id: int
    record: int | None = Field(description="信用信息 id")
    list_entry: int | None = Field(description="名单条目 id")
    subject: SubjectRef
    handler: str = Field(description="办理部门编码（谁认定、谁办理）", examples=["SCJG"])
    reason: str = Field(examples=["已于判决后全部履行，名单信息有误"])
    evidence: str
    status: str = Field(
        description="pending（核查中）、upheld（异议成立）、rejected（异议不成立）", examples=["pending"]
    )
    status_display: str = Field(examples=["核查中"])
    outcome: str | None = Field(description="异议成立时：corrected 或 revoked")
    filed_at: dt.datetime
    due_on: dt.date = Field(description="办结期限")
    overdue: bool
    decided_at: dt.datetime | None
    decision_reason: str


class RepairOut(Out):
    id: int
    record: int | None
    list_entry: int | None
    subject: SubjectRef
    handler: str = Field(examples=["SCJG"])
    methods: list[str] = Field(examples=[["fulfil"]])
    commitment: str
    conditions_met: list[str] = Field(examples=[["obligations_performed"]])
    status: str = Field(description="pending（审核中）、approved（修复成功）、rejected", examples=["pending"])
    status_display: str = Field(examples=["审核中"])
    filed_at: dt.datetime
    due_on: dt.date
    decided_at: dt.datetime | None
    decision_reason: str


class ConditionOut(Out):
    code: str = Field(examples=["obligations_performed"])
    name: str = Field(examples=["已履行法定义务"])
    description: str


class RepairConditionOut(ConditionOut):
    department: str | None = Field(description="补充条件的部门编码；空为全国通用条件")


class CorrectedOut(Out):
    id: int
    status: str = Field(examples=["revoked"])
    reason: str


class RepairNoticeOut(Out):
    record: int
    decision_number: str = Field(examples=["柴市监罚〔2025〕601号"])
    subject: SubjectRef
    severity: str = Field(examples=["一般"])
    published: bool
    publication_ends_on: dt.date | None
    earliest_repair_on: dt.date | None = Field(description="最早可申请修复之日")
    conditions: list[ConditionOut]
    text: str = Field(description="告知书正文")


class PendingObjectionOut(Out):
    id: int
    record: int | None
    list_entry: int | None
    filed_at: dt.datetime
    due_on: dt.date


class RepairNoteOut(Out):
    text: str
    published_at: dt.datetime
