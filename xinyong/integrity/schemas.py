"""What the government-integrity and credit-service-market API answers (R16, R25, R28)."""

import datetime as dt

from pydantic import Field

from xinyong.core.responses import CodeName, Out, SubjectRef


class OfficialRecordOut(Out):
    id: int
    kind: str = Field(examples=["discipline"])
    kind_display: str = Field(examples=["党纪政务处分"])
    content: str
    decided_on: dt.date
    employer: str = Field(description="任职单位名称", examples=["区委组织部"])
    recorded_at: dt.datetime


class OfficialFileOut(Out):
    person: SubjectRef
    entries: list[OfficialRecordOut]


class AffiliationOut(Out):
    id: int
    subject: SubjectRef
    kind: str = Field(description="public_body、state_enterprise、public_employee", examples=["state_enterprise"])
    kind_display: str = Field(examples=["国有企业"])
    department: CodeName | None = Field(description="负责的部门（上级主管、履行出资人职责或所在单位）")
    valid_from: dt.date | None
    valid_to: dt.date | None
    registered_at: dt.datetime


class AgencyOut(Out):
    code: str = Field(description="机构统一社会信用代码", examples=["91360404000008037H"])
    name: str = Field(examples=["江西诚信评级有限公司"])
    kind: str = Field(examples=["rating"])
    kind_display: str = Field(examples=["信用评级"])
    qualification: str
    qualification_number: str
    scope: str
    valid_from: dt.date
    valid_to: dt.date
    suspended: bool


class ThirdPartyReportOut(Out):
    id: int
    number: str = Field(examples=["JXCX-2025-0001"])
    subject: str = Field(description="被评主体代码")
    grade: str = Field(examples=["AA"])
    valid_until: dt.date


class ReportCheckOut(Out):
    """Whether a third-party report is genuine; an unregistered one has `genuine: false` and a `message` only."""

    genuine: bool
    message: str | None = Field(None, examples=["未登记该报告"])
    hash_matches: bool | None = Field(None, description="附文件哈希时：是否一致")
    agency: SubjectRef | None = None
    subject: SubjectRef | None = None
    grade: str | None = None
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None
    valid_today: bool | None = None


class CommitmentCountsOut(Out):
    total: int
    kept: int
    broken: int
    pending: int
    overdue: int


class GovernmentBodyOut(Out):
    department: str = Field(examples=["JTJ"])
    name: str = Field(examples=["柴桑区交通运输局"])
    code: str = Field(description="统一社会信用代码", examples=["11360404000000772C"])
    superior: str | None = Field(description="上级部门编码")
    commitments: CommitmentCountsOut
    dishonesty_records: int
    black_list_entries: int


class GovernmentIntegrityOut(Out):
    today: dt.date
    bodies: list[GovernmentBodyOut]
