import datetime as dt

from pydantic import Field

from xinyong.core.responses import Out, Page, SubjectRef


class ListTypeOut(Out):
    code: str
    name: str
    kind: str = Field(description="red（红名单）、black（黑名单，失信联合惩戒对象）、watch（重点关注对象）")
    scope: str = Field(description="national（全国性名单）、local（本地名单）")
    initiator_department: str = Field(description="认定部门编码（谁主管、谁认定）")
    initiator_name: str
    entry_criteria: str
    legal_basis: str
    default_period_months: int | None = Field(description="默认期限（月）；空表示直至移出")
    min_period_months: int | None = Field(description="最短期限（月），期满后方可申请提前移出")
    max_period_months: int | None
    early_exit_rule: str
    early_exit_conditions: list[str] = Field(
        description="obligations_performed、credit_commitment、rectified、training、credit_report、public_service"
    )
    person_level: bool = Field(description="组织列入时是否同时落实到人")
    person_roles: list[str] = Field(description="落实到人的关联角色，按优先顺序")


class DerivedEntryOut(Out):
    id: int
    subject: str = Field(description="落实到人的自然人（脱敏的身份证号）", examples=["3604**********5018"])
    via_role: str = Field(examples=["legal_representative"])


class EntryOut(Out):
    id: int
    list_type: str = Field(examples=["black_court_defaulter"])
    list_type_name: str = Field(examples=["失信被执行人"])
    kind: str = Field(description="red、black、watch", examples=["black"])
    subject: SubjectRef
    initiator: str = Field(description="认定部门编码", examples=["FY"])
    document_number: str = Field(examples=["（2025）赣0404执123号"])
    basis: str
    reason: str
    decided_on: dt.date
    conduct_on: dt.date | None = Field(description="失信行为发生日期")
    starts_on: dt.date
    ends_on: dt.date | None = Field(description="空表示直至移出")
    status: str = Field(description="active、revoked、expired …", examples=["active"])
    under_objection: bool
    derived_from: int | None = Field(description="由组织条目落实到人时，组织条目的 id")
    via_role: str | None
    derived: list[DerivedEntryOut] = Field(description="由本条目落实到人的条目")


class EntryEventOut(Out):
    action: str = Field(examples=["create"])
    actor: str
    department: str
    reason: str
    status_after: str
    occurred_at: dt.datetime


class EntryLoopOut(Out):
    """How the departments told of an entry closed the loop: tasks pushed, closed, overdue; feedback given."""

    department: str = Field(examples=["CZ"])
    department_name: str = Field(examples=["区财政局"])
    pushed: int
    closed: int
    overdue: int
    feedback: int


class EntryDetailOut(EntryOut):
    events: list[EntryEventOut]
    loop: list[EntryLoopOut]


class CleanListOut(Page[SubjectRef]):
    month: str = Field(description="公布月份 YYYY-MM", examples=["2025-07"])
    as_of: dt.date
    years: int = Field(description="无不良记录的年限", examples=[3])


class ViaOut(Out):
    organisation: str = Field(description="组织的统一社会信用代码")
    role: str = Field(examples=["legal_representative"])


class EntryMeasureOut(Out):
    code: str = Field(examples=["court_restrict_bidding"])
    name: str = Field(examples=["限制失信被执行人参与招标投标"])
    kind: str = Field(examples=["punishment"])
    force: str = Field(examples=["mandatory"])
    type: str = Field(examples=["administrative"])
    legal_basis: list[str]
    matters: list[str] = Field(description="适用的业务事项编码")
    suspended: bool = Field(description="异议处理中，暂停实施")


class PublicEntryOut(Out):
    """A red or black list entry in force, as the public profile shows it, with the measures it carries."""

    id: int
    list_type: str = Field(examples=["black_court_defaulter"])
    list_type_name: str = Field(examples=["失信被执行人"])
    kind: str = Field(examples=["black"])
    initiator: str = Field(description="认定部门名称", examples=["区人民法院"])
    document_number: str
    basis: str
    decided_on: dt.date
    starts_on: dt.date
    ends_on: dt.date | None
    under_objection: bool
    via: ViaOut | None = Field(description="由组织条目落实到人时：组织与其角色")
    measures: list[EntryMeasureOut]
