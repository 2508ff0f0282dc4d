import datetime as dt

from ninja import Schema
from pydantic import Field


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
