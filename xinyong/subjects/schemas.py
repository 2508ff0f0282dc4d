import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field, create_model

from xinyong.core.responses import Out


class PersonIn(Schema):
    id_number: str = Field(description="身份证号（自然人）或统一社会信用代码（组织）")
    name: str


class RelationIn(Schema):
    role: str = Field(
        description="legal_representative、principal、director、supervisor、senior_manager、"
        "shareholder、actual_controller、directly_responsible、related_enterprise"
    )
    person: PersonIn
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class SubjectIn(Schema):
    code: str = Field(description="统一社会信用代码或身份证号，大小写、空格不限")
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(description="legal_person、other_organisation、individual_business、natural_person")
    status: str | None = None
    relations: list[RelationIn] = Field(default_factory=list, max_length=200)


class SubjectSummaryOut(Out):
    code: str = Field(description="统一社会信用代码或脱敏的身份证号", examples=["91360404000007018B"])
    name: str = Field(description="名称（自然人姓名脱敏）", examples=["九江守信建材有限公司"])
    kind: str = Field(examples=["legal_person"])
    kind_display: str = Field(examples=["法人"])
    status: str = Field(examples=["active"])
    code_verified: bool = Field(description="代码已与登记机关核验")


class FormerNameOut(Out):
    name: str
    valid_from: dt.date | None
    valid_to: dt.date | None


class RelationOut(Out):
    role: str = Field(examples=["legal_representative"])
    role_display: str = Field(examples=["法定代表人"])
    member: SubjectSummaryOut
    valid_from: dt.date | None
    valid_to: dt.date | None


class ProfileBase(SubjectSummaryOut):
    """The public profile's own part; the sections other slices add (records, list entries, commitments …)
    are declared by them in `selectors.PROFILE_SCHEMAS` and joined in `profile_schema()`."""

    # Organisations only: a person's profile has neither key.
    former_names: list[FormerNameOut] = Field(default_factory=list, description="曾用名（组织）")
    relations: list[RelationOut] = Field(default_factory=list, description="现任法定代表人等关联人（组织）")


def profile_schema() -> type[ProfileBase]:
    """The public profile with every registered section, typed (called once the apps are ready)."""
    from .selectors import PROFILE_SCHEMAS

    sections: dict[str, Any] = {key: (schema, ...) for key, schema in PROFILE_SCHEMAS.items()}
    return create_model("SubjectProfileOut", __base__=ProfileBase, **sections)
