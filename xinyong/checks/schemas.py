"""What the check endpoints answer (architecture §4: "A check answers …"). The answer is signed as the
service builds it, so these schemas describe it and are rendered with `exclude_unset`: a key the answer
does not carry (`requirements`, a measure's `supervision` source) stays out of the body, which is then
byte for byte the answer that was signed."""

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Plain(BaseModel):
    """core.responses.Out without ninja's Schema: that one reads every nested dict through its ORM getter,
    which made validating a check answer of five measures cost ~1 ms of CPU, several times the check
    itself; plain pydantic validates the same answer in a tenth of that. Keys it does not declare are
    still refused."""

    model_config = ConfigDict(extra="forbid")


class CheckedSubject(Plain):
    code: str = Field(description="统一社会信用代码或（脱敏的）身份证号", examples=["91360404000007018B"])
    name: str | None = Field(description="主体名称；平台未登记该主体时为 null", examples=["九江守信建材有限公司"])
    known: bool = Field(description="平台是否登记了该主体")


class ViaOrganisation(Plain):
    """A person's entry derived from their organisation's (落实到人, R13, `000 §13`)."""

    organisation: str = Field(description="其组织的统一社会信用代码")
    role: str = Field(examples=["legal_representative"])


class MeasureSource(Plain):
    """Where a measure comes from: a list entry, or (`supervision`) a credit grade or an industry measure."""

    list_type: str | None = Field(description="名单类型编码", examples=["black_tax"])
    entry_id: str | None = Field(description="名单认定编号")
    via: ViaOrganisation | None
    supervision: dict[str, Any] | None = Field(
        None, description="评价等级或行业措施带来的措施：kind（credit_grade / industry_measure）、id 及其说明"
    )


class AnsweredMeasure(Plain):
    code: str
    name: str
    kind: Literal["punishment", "reward"]
    force: Literal["mandatory", "recommended"]
    type: Literal["administrative", "market", "industry", "social"]
    legal_basis: list[str] = Field(examples=[["发改财金〔2016〕141号 第一条"]])
    implementing_department: str | None = Field(description="实施部门编码")
    incentive_kind: str | None = Field(description="激励措施的类别（如 容缺受理）")
    source: MeasureSource
    suspended: bool = Field(description="认定处于异议期：措施暂停，不限制")


class MatterRequirement(Plain):
    """A condition the business matter sets beyond measures (e.g. a valid third-party credit report)."""

    code: str = Field(examples=["third_party_credit_report"])
    name: str
    met: bool
    message: str
    report: str | None = Field(None, description="满足条件的第三方信用报告编号")


class CheckAnswer(Plain):
    check_id: str = Field(
        description="核查编号；批量核查中为批次编号后接序号", examples=["HC202506021F3A9C0D5E7B2A4C6D8E"]
    )
    subject: CheckedSubject
    matter: str = Field(description="业务事项编码", examples=["government_procurement"])
    # A string as signed (ninja's encoder would cut its microseconds), documented as a date-time.
    checked_at: str = Field(json_schema_extra={"format": "date-time"}, examples=["2026-12-03T09:30:00.123456+08:00"])
    result: Literal["restricted", "incentive", "clear"]
    measures: list[AnsweredMeasure]
    requirements: list[MatterRequirement] | None = Field(None, description="仅当业务事项设有其他条件时出现")


class UncheckedSubject(Plain):
    code: str


class CodeError(Plain):
    code: str = Field(examples=["invalid_identifier"])
    message: str


class UncheckedCode(Plain):
    """A code of a batch that is not a valid identifier: answered in place, with no check number."""

    subject: UncheckedSubject
    error: CodeError


class BatchOut(Plain):
    results: list[CheckAnswer | UncheckedCode] = Field(description="按输入顺序，每个代码一项")


class FeedbackOut(Plain):
    check_id: str
    measure: str
    applied: bool
    note: str
    given_at: dt.datetime


class GivenFeedback(Plain):
    measure: str
    applied: bool
    note: str
    given_at: dt.datetime


class StoredCheckOut(Plain):
    answer: CheckAnswer = Field(description="当时的答复，原样")
    implementer: str = Field(description="核查部门编码")
    checked_by: str
    digest: str = Field(description="答复的签名（HMAC）")
    batch: str | None = Field(description="所属批次编号")
    genuine: bool = Field(description="答复与签名相符：证明平台当日如此答复")
    feedback: list[GivenFeedback]


class DepartmentLoop(Plain):
    department: str
    department_name: str
    checks: int
    restricted: int
    measures_answered: int
    feedback: int
    feedback_rate: float | None
    mean_feedback_hours: float | None
    tasks_pushed: int
    tasks_closed: int
    tasks_overdue: int


class LoopOut(Plain):
    start: dt.date
    end: dt.date
    departments: list[DepartmentLoop]
