import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from xinyong.accounts.auth import roles
from xinyong.accounts.models import Role
from xinyong.accounts.roles import SELF_REPORT_READERS, SELF_REPORT_REVIEWERS
from xinyong.core.pagination import status_page
from xinyong.core.responses import Out, Page, SubjectRef, errors
from xinyong.core.schemas import StatusPageQuery

from . import services
from .models import SelfReport

router = Router(tags=["self_reports"])
REVIEWERS = roles(SELF_REPORT_REVIEWERS)


class SelfReportIn(Schema):
    kind: str = Field(description="licence、performance、honour、charity、other")
    title: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=4000)
    evidence: str = Field("", max_length=2000, description="证明材料说明")
    verifier_department: str = Field(description="负责核实的部门编码")
    commitment: bool = Field(description="是否作出真实性承诺（必须为 true）")


class ReviewIn(Schema):
    reason: str = Field("", max_length=500)


class SelfReportOut(Out):
    id: int
    subject: SubjectRef
    kind: str = Field(examples=["honour"])
    title: str = Field(examples=["2024年度守合同重信用企业"])
    content: str
    evidence: str
    commitment: str = Field(description="真实性承诺全文")
    verifier_department: str = Field(examples=["SCJG"])
    status: str = Field(description="pending（待核实）、verified（已核实）、rejected（未通过）", examples=["pending"])
    status_display: str = Field(examples=["待核实"])
    submitted_at: dt.datetime
    reviewed_at: dt.datetime | None
    review_reason: str
    record: int | None = Field(description="核实后生成的信用信息 id")


def _body(report: SelfReport) -> dict:
    return {
        "id": report.pk,
        "subject": {"code": report.subject.public_code, "name": report.subject.name},
        "kind": report.kind,
        "title": report.title,
        "content": report.content,
        "evidence": report.evidence,
        "commitment": report.commitment,
        "verifier_department": report.verifier.code,
        "status": report.status,
        "status_display": report.get_status_display(),
        "submitted_at": report.submitted_at,
        "reviewed_at": report.reviewed_at,
        "review_reason": report.review_reason,
        "record": report.record_id,
    }


@router.post(
    "/self-reports",
    auth=roles(Role.SUBJECT),
    response={201: SelfReportOut, **errors(400, 401, 403, 404, 422)},
    summary="信用主体自主填报（须作真实性承诺）",
)
def submit(request, payload: SelfReportIn):
    report = services.submit(
        actor=request.actor,
        user=request.auth,
        kind=payload.kind,
        title=payload.title,
        content=payload.content,
        evidence=payload.evidence,
        verifier_code=payload.verifier_department,
        commitment=payload.commitment,
    )
    return 201, _body(report)


@router.get(
    "/self-reports",
    auth=roles(SELF_REPORT_READERS),
    response={200: Page[SelfReportOut], **errors(401, 403, 422)},
    summary="自主填报列表",
)
def list_reports(request, params: Query[StatusPageQuery]):
    return status_page(services.visible_to(request.auth), params, _body)


@router.post(
    "/self-reports/{report_id}/verify",
    auth=REVIEWERS,
    response={200: SelfReportOut, **errors(400, 401, 403, 404, 422)},
    summary="核实通过：转为信用信息",
)
def verify(request, report_id: int, payload: ReviewIn):
    return _body(services.verify(actor=request.actor, user=request.auth, report_id=report_id, note=payload.reason))


@router.post(
    "/self-reports/{report_id}/reject",
    auth=REVIEWERS,
    response={200: SelfReportOut, **errors(400, 401, 403, 404, 422)},
    summary="核实不通过（须说明理由）",
)
def reject(request, report_id: int, payload: ReviewIn):
    return _body(services.reject(actor=request.actor, user=request.auth, report_id=report_id, reason=payload.reason))
