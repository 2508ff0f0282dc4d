import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from xinyong.accounts.auth import roles
from xinyong.accounts.models import Role
from xinyong.accounts.roles import AFFILIATION_KEEPERS, AFFILIATION_READERS, OVERSEERS
from xinyong.accounts.selectors import department_of
from xinyong.core import clock
from xinyong.core.pagination import paginate
from xinyong.core.responses import Page, errors

from . import public_sector, selectors, services
from .models import CreditAgency, OfficialRecord, PublicAffiliation, ThirdPartyReport
from .schemas import (
    AffiliationOut,
    AgencyOut,
    GovernmentIntegrityOut,
    OfficialFileOut,
    OfficialRecordOut,
    ReportCheckOut,
    ThirdPartyReportOut,
)

router = Router(tags=["integrity"])
# Sensitive: who may read officials' files is a setting; refused attempts are audited too.
INTEGRITY_READERS = roles(services.READER_ROLES, audit_denied=True)


class OfficialRecordIn(Schema):
    person: str = Field(description="公职人员身份证号")
    employer: str = Field(description="任职单位（部门编码）")
    kind: str = Field(description="declaration、discipline、commitment、appraisal、other")
    content: str = Field(max_length=4000)
    decided_on: dt.date


class AgencyIn(Schema):
    code: str = Field(description="机构统一社会信用代码（须已登记为信用主体）")
    kind: str = Field(description="rating、investigation、report、management")
    qualification: str = Field(max_length=200)
    qualification_number: str = Field(max_length=100)
    scope: str = Field("", max_length=2000)
    valid_from: dt.date
    valid_to: dt.date


class ReportIn(Schema):
    subject: str
    number: str = Field(min_length=1, max_length=64)
    grade: str = Field("", max_length=16)
    issued_on: dt.date
    valid_until: dt.date
    document_sha256: str


class AffiliationIn(Schema):
    subject: str = Field(description="统一社会信用代码（机关事业单位、国有企业）或身份证号（公职人员）")
    name: str = Field("", max_length=200, description="主体尚未登记时必填：单位名称或姓名，将一并登记为信用主体")
    kind: str = Field(
        description="public_body（机关事业单位）、state_enterprise（国有企业）、public_employee（公职人员）"
    )
    department: str | None = Field(
        None, description="部门编码：上级主管单位、履行出资人职责或监管的部门，或公职人员的所在单位（公职人员必填）"
    )
    valid_from: dt.date | None = None
    valid_to: dt.date | None = Field(None, description="截止日期；再次提交相同主体、类型、部门和起始日期即更新截止日期")


class AffiliationParams(Schema):
    subject: str = ""
    kind: str = ""
    limit: int = 50
    offset: int = 0


def _affiliation(row: PublicAffiliation) -> dict:
    return {
        "id": row.pk,
        "subject": {"code": row.subject.public_code, "name": row.subject.name},
        "kind": row.kind,
        "kind_display": row.get_kind_display(),
        "department": {"code": row.department.code, "name": row.department.name} if row.department else None,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "registered_at": row.registered_at,
    }


def _official(entry: OfficialRecord) -> dict:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "kind_display": entry.get_kind_display(),
        "content": entry.content,
        "decided_on": entry.decided_on,
        "employer": entry.employer.name,
        "recorded_at": entry.recorded_at,
    }


def _agency(agency: CreditAgency) -> dict:
    return {
        "code": agency.subject.uscc,
        "name": agency.subject.name,
        "kind": agency.kind,
        "kind_display": agency.get_kind_display(),
        "qualification": agency.qualification,
        "qualification_number": agency.qualification_number,
        "scope": agency.scope,
        "valid_from": agency.valid_from,
        "valid_to": agency.valid_to,
        "suspended": agency.is_suspended,
    }


@router.post(
    "/official-integrity-records",
    auth=INTEGRITY_READERS,
    response={201: OfficialRecordOut, **errors(400, 401, 403, 404, 422)},
    summary="录入公职人员诚信档案（不公开）",
)
def add_official_record(request, payload: OfficialRecordIn):
    entry = services.add_official_record(
        actor=request.actor,
        department=department_of(request.auth),
        person_code=payload.person,
        employer_code=payload.employer,
        kind=payload.kind,
        content=payload.content,
        decided_on=payload.decided_on,
    )
    return 201, _official(entry)


@router.get(
    "/official-integrity-records/{person}",
    auth=INTEGRITY_READERS,
    response={200: OfficialFileOut, **errors(401, 403, 404, 422)},
    summary="查阅公职人员诚信档案（仅组织人事、纪检监察，每次查阅均记录）",
)
def read_official_file(request, person: str):
    subject, entries = services.read_official_file(actor=request.actor, person_code=person)
    return {"person": {"code": subject.public_code, "name": subject.name}, "entries": [_official(e) for e in entries]}


@router.post(
    "/public-affiliations",
    auth=roles(AFFILIATION_KEEPERS),
    response={200: AffiliationOut, 201: AffiliationOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="登记机关事业单位、国有企业或公职人员及其负责部门（失信时据此通报，R16）",
)
def register_affiliation(request, payload: AffiliationIn):
    row, created = public_sector.register_affiliation(
        actor=request.actor,
        user=request.auth,
        subject_code=payload.subject,
        name=payload.name,
        kind=payload.kind,
        department_code=payload.department,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
    )
    return (201 if created else 200), _affiliation(row)


@router.get(
    "/public-affiliations",
    auth=roles(AFFILIATION_READERS),
    response={200: Page[AffiliationOut], **errors(401, 403, 404, 422)},
    summary="机关事业单位、国有企业和公职人员登记（信用办、审计员看全部，其他部门看本部门负责的）",
)
def list_affiliations(request, params: Query[AffiliationParams]):
    rows = public_sector.affiliations_visible_to(request.auth, subject_code=params.subject, kind=params.kind)
    return paginate(rows, limit=params.limit, offset=params.offset).body(_affiliation)


@router.post(
    "/agencies",
    auth=roles(Role.CREDIT_OFFICE),
    response={201: AgencyOut, **errors(400, 401, 403, 404, 422)},
    summary="登记或更新信用服务机构",
)
def register_agency(request, payload: AgencyIn):
    agency = services.register_agency(actor=request.actor, **payload.dict())
    return 201, _agency(agency)


@router.get("/agencies", auth=None, response={200: Page[AgencyOut], **errors(422)}, summary="信用服务机构名录")
def list_agencies(request, limit: int = 50, offset: int = 0):
    agencies = CreditAgency.objects.select_related("subject").order_by("subject__search_name")
    return paginate(agencies, limit=limit, offset=offset).body(_agency)


@router.post(
    "/third-party-reports",
    auth=roles(Role.CREDIT_AGENCY),
    response={201: ThirdPartyReportOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="信用服务机构登记其出具的第三方信用报告",
)
def register_report(request, payload: ReportIn):
    data = payload.dict()
    report: ThirdPartyReport = services.register_report(
        actor=request.actor, user=request.auth, subject_code=data.pop("subject"), **data
    )
    return 201, {
        "id": report.pk,
        "number": report.number,
        "subject": report.subject.public_code,
        "grade": report.grade,
        "valid_until": report.valid_until,
    }


@router.get(
    "/third-party-reports/verify",
    auth=None,
    response={200: ReportCheckOut, **errors(422)},
    operation_id="verify_third_party_report",
    exclude_unset=True,  # an unregistered report is answered with genuine and a message only
    summary="核验第三方信用报告（机构代码 + 报告编号，可附文件哈希）",
)
def verify_report(request, agency: str, number: str, sha256: str | None = None):
    return services.verify_report(agency_code=agency, number=number, document_sha256=sha256)


@router.get(
    "/government-integrity",
    auth=roles(OVERSEERS),
    response={200: GovernmentIntegrityOut, **errors(401, 403)},
    summary="政务诚信：各政府机构的承诺履行、失信信息与名单情况",
)
def government_integrity(request):
    return {"today": clock.today(), "bodies": selectors.government_integrity(clock.today())}
