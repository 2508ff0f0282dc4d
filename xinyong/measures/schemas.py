import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from xinyong.core.responses import Out


class MeasureFilter(Schema):
    list_type: str | None = Field(None, description="名单类型编码，见 GET /list-types")
    matter: str | None = Field(None, description="业务事项编码，见 GET /matters")
    kind: Literal["reward", "punishment"] | None = None
    force: Literal["mandatory", "recommended"] | None = None


class BasisRef(Out):
    document_number: str = Field(examples=["发改财金〔2016〕141号"])
    title: str
    lead_department: str
    article: str


class MeasureOut(Out):
    code: str = Field(examples=["court_restrict_bidding"])
    name: str = Field(examples=["限制失信被执行人参与招标投标"])
    description: str
    kind: str = Field(description="reward（激励）、punishment（惩戒）")
    force: str = Field(description="mandatory（强制性）、recommended（推荐性）")
    type: str = Field(description="administrative、market、industry、social")
    implementing_department: str = Field(description="实施部门编码")
    implementing_department_name: str
    target: str = Field(description="organisation、person、both：person 和 both 随组织列入落实到个人")
    incentive_kind: str = Field(
        description="激励方式：green_channel、tolerance_acceptance、priority、fewer_inspections、bonus_points，或空"
    )
    list_types: list[str]
    matters: list[str]
    legal_basis: list[str] = Field(description="“文号 文件名称 条款”，与核查结果中的 legal_basis 相同")
    legal_bases: list[BasisRef]


class MatterOut(Out):
    code: str = Field(examples=["market_access"])
    name: str = Field(examples=["市场准入/行政许可"])
    description: str


class LegalBasisOut(Out):
    code: str
    document_number: str
    title: str
    lead_department: str
    kind: str = Field(description="reward、punishment、both")
    category: str = Field(description="memorandum（国家联合奖惩合作备忘录）、guideline、local、regulation")
    annex_no: int | None = Field(description="在周政发〔2017〕72号附件备忘录清单中的序号")
    issued_on: dt.date | None
