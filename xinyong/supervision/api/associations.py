"""Associations (R27) and authorisations (R26): members' credit files, industry measures, subjects authorising
institutions, and the authorised reads those institutions make."""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema
from pydantic import Field

from xinyong.accounts.auth import roles
from xinyong.accounts.models import Role
from xinyong.core.pagination import paginate
from xinyong.core.responses import Out, Page, SubjectRef, errors
from xinyong.records.schemas import PublicRecordOut, RecordGroupOut
from xinyong.records.selectors import public_records_section

from .. import selectors
from ..models import ASSOCIATION, IndustryMeasure, Membership
from ..services import associations, grading
from ..services.common import subject_for
from .commitments import PublicCommitmentOut
from .common import GRANTEES, OFFICE
from .grading import PublicEvaluationOut

router = Router()

ASSOCIATIONS = roles(ASSOCIATION, Role.CREDIT_OFFICE)
AUTHORISATION_READERS = roles(Role.SUBJECT, *GRANTEES, Role.CREDIT_OFFICE, Role.AUDITOR)


# ---- associations (R27) ------------------------------------------------------------------------


class AssociationIn(Schema):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    uscc: str = Field("", max_length=18)
    supervisor: str = Field("", max_length=32, description="业务主管单位编码")
    rules: str = Field("", max_length=200, description="行规行约/章程名称（行业性惩戒依据）")


class MemberIn(Schema):
    subject: str
    member_number: str = Field("", max_length=50)
    joined_on: dt.date | None = None


class IndustryMeasureIn(Schema):
    subject: str
    kind: str = Field(description="warning、criticism、censure、refusal、expulsion")
    document_number: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=2000)
    decided_on: dt.date
    ends_on: dt.date | None = None


class RevokeIn(Schema):
    reason: str = Field(min_length=1, max_length=500, title="撤销理由")


class AssociationOut(Out):
    code: str = Field(examples=["SPXH"])
    name: str = Field(examples=["柴桑区食品行业协会"])
    uscc: str
    supervisor: str | None = Field(description="业务主管单位编码", examples=["MZ"])
    rules: str = Field(examples=["《柴桑区食品行业协会章程》"])


class MemberOut(Out):
    association: str = Field(examples=["SPXH"])
    subject: SubjectRef
    member_number: str = Field(examples=["SP-018"])
    joined_on: dt.date
    status: str = Field(examples=["active"])


class MembershipOut(Out):
    member_number: str
    joined_on: dt.date
    left_on: dt.date | None
    status: str


class IndustryMeasureOut(Out):
    id: int
    association: str = Field(examples=["SPXH"])
    association_name: str = Field(examples=["柴桑区食品行业协会"])
    subject: SubjectRef
    kind: str = Field(examples=["censure"])
    kind_name: str = Field(examples=["公开谴责"])
    document_number: str = Field(examples=["柴食协〔2025〕3号"])
    reason: str
    decided_on: dt.date
    starts_on: dt.date
    ends_on: dt.date | None
    status: str = Field(examples=["active"])
    end_reason: str | None


class MemberFileOut(Out):
    association: str
    subject: SubjectRef
    membership: MembershipOut | None
    industry_measures: list[IndustryMeasureOut]
    credit_grade: PublicEvaluationOut | None
    commitments: list[PublicCommitmentOut]
    public_records: list[RecordGroupOut]


@router.post(
    "/associations",
    auth=OFFICE,
    response={201: AssociationOut, **errors(400, 401, 403, 422)},
    summary="登记行业协会商会",
)
def register_association(request, payload: AssociationIn):
    association = associations.register_association(
        actor=request.actor,
        code=payload.code,
        name=payload.name,
        uscc=payload.uscc,
        supervisor_code=payload.supervisor,
        rules=payload.rules,
    )
    return 201, selectors.association_body(association)


@router.post(
    "/associations/{code}/members",
    auth=ASSOCIATIONS,
    response={201: MemberOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="会员信用档案：登记会员",
)
def add_member(request, code: str, payload: MemberIn):
    membership = associations.add_member(
        actor=request.actor,
        user=request.auth,
        association_code=code,
        subject=subject_for(payload.subject),
        member_number=payload.member_number,
        joined_on=payload.joined_on,
    )
    return 201, {
        "association": membership.association.code,
        "subject": {"code": membership.subject.public_code, "name": membership.subject.name},
        "member_number": membership.member_number,
        "joined_on": membership.joined_on,
        "status": membership.status,
    }


@router.get(
    "/associations/{code}/members/{subject}",
    auth=ASSOCIATIONS,
    response={200: MemberFileOut, **errors(401, 403, 404, 422)},
    summary="会员信用档案",
)
def member_file(request, code: str, subject: str):
    association = associations.get_association(code)
    associations.require_association_user(request.auth, association)
    member = subject_for(subject)
    membership = Membership.objects.filter(association=association, subject=member).first()
    measures = IndustryMeasure.objects.filter(association=association, subject=member).select_related(
        "association", "kind", "subject"
    )
    evaluation = grading.current(member)
    _, public_records = public_records_section(member, None)
    return {
        "association": association.code,
        "subject": {"code": member.public_code, "name": member.name},
        "membership": {
            "member_number": membership.member_number,
            "joined_on": membership.joined_on,
            "left_on": membership.left_on,
            "status": membership.status,
        }
        if membership
        else None,
        "industry_measures": [selectors.industry_body(m) for m in measures.order_by("-decided_on", "-id")],
        "credit_grade": selectors.public_evaluation(evaluation) if evaluation else None,
        "commitments": selectors.commitments_section(member, None)[1],
        "public_records": public_records,
    }


@router.post(
    "/associations/{code}/industry-measures",
    auth=ASSOCIATIONS,
    response={201: IndustryMeasureOut, **errors(400, 401, 403, 404, 422)},
    summary="实施行业性惩戒（警告、通报批评、公开谴责、不予接纳、劝退）",
)
def apply_industry_measure(request, code: str, payload: IndustryMeasureIn):
    measure = associations.apply_measure(
        actor=request.actor,
        user=request.auth,
        association_code=code,
        subject=subject_for(payload.subject),
        kind_code=payload.kind,
        document_number=payload.document_number,
        reason=payload.reason,
        decided_on=payload.decided_on,
        ends_on=payload.ends_on,
    )
    return 201, selectors.industry_body(measure)


@router.post(
    "/industry-measures/{measure_id}/revoke",
    auth=ASSOCIATIONS,
    response={200: IndustryMeasureOut, **errors(400, 401, 403, 404, 422)},
    summary="撤销行业性惩戒",
)
def revoke_industry_measure(request, measure_id: int, payload: RevokeIn):
    measure = associations.revoke_measure(
        actor=request.actor, user=request.auth, measure_id=measure_id, reason=payload.reason
    )
    return selectors.industry_body(measure)


# ---- authorisations and authorised reads (R26) -------------------------------------------------


class AuthorisationIn(Schema):
    grantee: str = Field(description="被授权机构（金融机构、信用服务机构、行业协会）的部门编码")
    purpose: str = Field(min_length=1, max_length=200, title="用途")
    valid_from: dt.date | None = None
    valid_to: dt.date
    scope: str = Field("all", description="all（全部社会公开及授权查询类信息）或 categories")
    categories: list[str] = Field(default_factory=list)


class AuthorisationOut(Out):
    id: int
    subject: SubjectRef
    grantee: str = Field(examples=["JJBANK"])
    grantee_name: str = Field(examples=["九江银行柴桑支行"])
    scope: str = Field(examples=["all"])
    categories: list[str]
    purpose: str = Field(examples=["流动资金贷款贷前调查"])
    valid_from: dt.date
    valid_to: dt.date
    revoked_at: dt.datetime | None
    in_force: bool


class AuthorisedSubjectOut(SubjectRef):
    kind: str = Field(examples=["legal_person"])


class GrantOut(Out):
    id: int
    scope: str
    categories: list[str]
    purpose: str
    valid_from: dt.date
    valid_to: dt.date


class GradeNowOut(Out):
    grade: str = Field(examples=["C"])
    score: Decimal = Field(examples=["67.00"])
    computed_at: dt.datetime


class AuthorisedRecordOut(PublicRecordOut):
    disclosure: str = Field(description="public（社会公开）或 authorised（授权查询）", examples=["authorised"])
    version: int


class AuthorisedReadOut(Out):
    subject: AuthorisedSubjectOut
    authorisation: GrantOut
    grade: GradeNowOut | None
    records: list[AuthorisedRecordOut]


@router.post(
    "/authorisations",
    auth=roles(Role.SUBJECT),
    response={201: AuthorisationOut, **errors(400, 401, 403, 404, 422)},
    summary="信用主体授权机构查询其信息",
)
def grant_authorisation(request, payload: AuthorisationIn):
    made = associations.grant(
        actor=request.actor,
        user=request.auth,
        grantee_code=payload.grantee,
        purpose=payload.purpose,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        scope=payload.scope,
        categories=payload.categories,
    )
    return 201, selectors.authorisation_body(made)


@router.get(
    "/authorisations",
    auth=AUTHORISATION_READERS,
    response={200: Page[AuthorisationOut], **errors(401, 403, 422)},
    summary="查询授权：主体看自己作出的，机构看授予自己的",
)
def list_authorisations(request, limit: int = 20, offset: int = 0):
    found = associations.visible_authorisations(request.auth).order_by("-id")
    return paginate(found, limit=limit, offset=offset).body(selectors.authorisation_body)


@router.post(
    "/authorisations/{authorisation_id}/revoke",
    auth=roles(Role.SUBJECT),
    response={200: AuthorisationOut, **errors(401, 403, 404, 422)},
    summary="撤回授权",
)
def revoke_authorisation(request, authorisation_id: int):
    done = associations.revoke(actor=request.actor, user=request.auth, authorisation_id=authorisation_id)
    return selectors.authorisation_body(done)


@router.get(
    "/authorised/subjects/{code}",
    auth=roles(*GRANTEES),
    response={200: AuthorisedReadOut, **errors(401, 403, 404, 422)},
    summary="经主体授权查询其全部信息（含授权查询类）；每次查询及拒绝均留痕",
)
def authorised_read(request, code: str):
    return associations.authorised_read(actor=request.actor, user=request.auth, code=code)
