"""The supervision slice's sections of a subject's public profile (commitments, the grade and its explanation,
industry measures; R17, R18, R27), shared by the profile and the supervision API."""

import datetime as dt
from decimal import Decimal

from pydantic import Field

from xinyong.core.responses import Out


class PublicCommitmentOut(Out):
    """A commitment as the public profile shows it (002 §1: 履约情况记入信用记录并公示)."""

    number: str = Field(examples=["XYCN-2025-000001"])
    kind: str = Field(examples=["notify"])
    kind_display: str = Field(examples=["告知承诺"])
    item_name: str = Field(examples=["建筑业企业资质"])
    matter: str = Field(examples=["qualification_approval"])
    department: str = Field(description="受理部门名称", examples=["区住建局"])
    made_on: dt.date
    due_on: dt.date | None
    status: str = Field(description="pending（履约中）、fulfilled（已践诺）、broken（未践诺）…", examples=["pending"])
    status_display: str = Field(examples=["履约中"])
    text: str = Field(description="公示文本")


class PublicContributionOut(Out):
    indicator: str = Field(examples=["penalty_general"])
    indicator_name: str = Field(examples=["行政处罚（一般）"])
    category_name: str = Field(examples=["行政处罚信息"])
    label: str = Field(description="决定文书号或名单文号", examples=["柴市监罚〔2025〕701号"])
    date: dt.date = Field(examples=["2025-01-24"])
    points: Decimal = Field(examples=["-10.00"])
    applied: Decimal = Field(description="计入的分值（受累计上限约束）", examples=["-10.00"])


class NonPublicOut(Out):
    count: int
    applied: Decimal = Field(description="非公开信息计入的分值合计", examples=["0"])


class PublicEvaluationOut(Out):
    """The grade and its explanation as anyone may see it: records of non-public categories are counted, not
    named."""

    grade: str = Field(examples=["B"])
    grade_name: str = Field(examples=["良"])
    score: Decimal = Field(examples=["82.00"])
    base: Decimal = Field(examples=["80.00"])
    computed_at: dt.datetime
    explanation: str
    contributions: list[PublicContributionOut]
    non_public: NonPublicOut


class PublicIndustryMeasureOut(Out):
    id: int
    association: str = Field(examples=["SPXH"])
    association_name: str = Field(examples=["柴桑区食品行业协会"])
    kind: str = Field(examples=["censure"])
    kind_name: str = Field(examples=["公开谴责"])
    document_number: str = Field(examples=["柴食协〔2025〕3号"])
    reason: str
    decided_on: dt.date
    starts_on: dt.date
    ends_on: dt.date | None
