import datetime as dt

from django.conf import settings
from ninja import Router, Schema
from pydantic import Field

from xinyong.accounts.auth import roles
from xinyong.accounts.models import Role
from xinyong.accounts.selectors import department_of
from xinyong.core import clock
from xinyong.core.pagination import paginate

from . import selectors, services
from .models import CreditAgency, OfficialRecord, ThirdPartyReport

router = Router(tags=["政务诚信与信用服务市场"])
# Sensitive: who may read officials' files is a setting; refused attempts are audited too.
INTEGRITY_READERS = roles(*settings.XINYONG_INTEGRITY_READER_ROLES, audit_denied=True)


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
    response={201: dict},
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
    summary="查阅公职人员诚信档案（仅组织人事、纪检监察，每次查阅均记录）",
)
def read_official_file(request, person: str):
    subject, entries = services.read_official_file(actor=request.actor, person_code=person)
    return {"person": {"code": subject.public_code, "name": subject.name}, "entries": [_official(e) for e in entries]}


@router.post("/agencies", auth=roles(Role.CREDIT_OFFICE), response={201: dict}, summary="登记或更新信用服务机构")
def register_agency(request, payload: AgencyIn):
    agency = services.register_agency(actor=request.actor, **payload.dict())
    return 201, _agency(agency)


@router.get("/agencies", auth=None, summary="信用服务机构名录")
def list_agencies(request, limit: int = 50, offset: int = 0):
    agencies = CreditAgency.objects.select_related("subject").order_by("subject__search_name")
    return paginate(agencies, limit=limit, offset=offset).body(_agency)


@router.post(
    "/third-party-reports",
    auth=roles(Role.CREDIT_AGENCY),
    response={201: dict},
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


@router.get("/third-party-reports/verify", auth=None, summary="核验第三方信用报告（机构代码 + 报告编号，可附文件哈希）")
def verify_report(request, agency: str, number: str, sha256: str | None = None):
    return services.verify_report(agency_code=agency, number=number, document_sha256=sha256)


@router.get(
    "/government-integrity",
    auth=roles(Role.CREDIT_OFFICE, Role.AUDITOR),
    summary="政务诚信：各政府机构的承诺履行、失信信息与名单情况",
)
def government_integrity(request):
    return {"today": clock.today(), "bodies": selectors.government_integrity(clock.today())}
