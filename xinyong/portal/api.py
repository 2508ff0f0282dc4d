"""Public portal API: name suggestions, credit reports and their verification (R24), reports of
dishonesty (R25) and their handling workflow. Public endpoints are rate-limited per client address."""

from django.conf import settings
from django.http import FileResponse, HttpResponse, JsonResponse
from django.utils.http import content_disposition_header
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import NinjaJSONEncoder
from pydantic import Field

from xinyong.accounts.auth import roles
from xinyong.accounts.models import Role
from xinyong.accounts.roles import REPORT_HANDLERS, REPORT_READERS
from xinyong.core import clock, limits
from xinyong.core.errors import DomainError
from xinyong.core.pagination import paginate
from xinyong.core.responses import Page, errors, file_answer
from xinyong.subjects import selectors as subjects

from . import selectors, services
from .schemas import (
    CreditReportOut,
    DishonestyReportOut,
    DishonestyReportSummaryOut,
    ReportVerificationOut,
    SubmittedOut,
    SuggestionsOut,
    TrackingOut,
)

router = Router(tags=["portal"])

CREDIT_OFFICE = roles(Role.CREDIT_OFFICE)
HANDLERS = roles(REPORT_HANDLERS)
READERS = roles(REPORT_READERS)


def base_url(request) -> str:
    return settings.XINYONG_PUBLIC_URL or request.build_absolute_uri("/").rstrip("/")


# --------------------------------------------------------------------------------------------
# Suggestions for the search box
# --------------------------------------------------------------------------------------------


@router.get(
    "/suggestions",
    auth=None,
    throttle=limits.search_throttle(),
    response={200: SuggestionsOut, **errors(422, 429)},
    summary="名称联想（检索框提示，最多 8 条）",
)
def suggestions(request, q: str = ""):
    query = q.strip()[:100]
    if len(query) < 2:
        return {"items": []}
    try:
        page = subjects.search(query, limit=8)
    except DomainError:
        return {"items": []}
    return {"items": [{"code": s.public_code, "name": s.name} for s in page.items if not s.is_person]}


# --------------------------------------------------------------------------------------------
# Credit reports (R24)
# --------------------------------------------------------------------------------------------


@router.get(
    "/reports/verify/{number}",
    auth=None,
    throttle=limits.verify_throttle(),
    response={200: ReportVerificationOut, **errors(404, 422, 429)},
    url_name="report_verify",
    operation_id="verify_credit_report",
    summary="核验信用报告：是否由本平台出具、为谁、何时出具、是否在有效期内及内容 SHA-256",
)
def verify_report(request, number: str):
    return selectors.verification(selectors.issued_report(number), clock.now())


@router.get(
    "/reports/{code}",
    auth=None,
    throttle=limits.report_throttle(),
    response={200: CreditReportOut, **errors(404, 422, 429)},
    openapi_extra=file_answer("信用报告：默认 PDF 文件，?format=json 时为 JSON", "application/pdf"),
    url_name="report",
    summary="出具信用报告（PDF；?format=json 返回同一内容的 JSON），每份报告有唯一编号并可核验",
)
def credit_report(request, code: str, format: str = "pdf"):  # noqa: A002  (the contract's parameter name)
    subject = subjects.get_by_code(code)
    issued = services.issue_report(
        actor=services.PUBLIC_API,
        subject=subject,
        fmt=format.lower(),
        base_url=base_url(request),
        requester_ip_hash=limits.ip_hash(request),
    )
    number = issued.report.number
    response: HttpResponse
    if issued.report.format == "json":
        body = {
            **issued.document,
            "content_hash": issued.report.content_hash,
            "content_hash_method": services.reports.HASH_METHOD,
        }
        response = JsonResponse(body, encoder=NinjaJSONEncoder, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(issued.payload, content_type="application/pdf")
        disposition = content_disposition_header(True, f"信用报告-{number}.pdf")
        assert disposition is not None  # Django makes one for every attachment; None only for inline unnamed
        response["Content-Disposition"] = disposition
    response["X-Report-Number"] = number
    response["X-Content-SHA256"] = issued.report.content_hash
    response["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------------------------
# Reports of dishonesty (R25): public side
# --------------------------------------------------------------------------------------------


@router.post(
    "/dishonesty-reports",
    auth=None,
    throttle=limits.submit_throttle(),
    response={201: SubmittedOut, **errors(413, 422, 429)},
    summary="举报失信行为（multipart，附件可选：PDF/JPG/PNG）；返回举报编号和查询码（仅显示一次）",
)
def submit_report(
    request,
    subject_name: Form[str],
    reporter_name: Form[str],
    reporter_contact: Form[str],
    content: Form[str],
    subject_code: Form[str] = "",
    # A None default is how ninja makes a multipart part optional; typing it `| None` would put a null
    # into the OpenAPI schema of a file field, which a multipart body cannot carry.
    attachments: File[list[UploadedFile]] = None,  # type: ignore[assignment]
):
    submitted = services.submit_dishonesty_report(
        actor=services.PUBLIC_API,
        subject_name=subject_name,
        subject_code=subject_code,
        reporter_name=reporter_name,
        reporter_contact=reporter_contact,
        content=content,
        files=attachments or [],
        requester_ip_hash=limits.ip_hash(request),
    )
    return 201, {
        "number": submitted.report.number,
        "query_code": submitted.query_code,
        "status": submitted.report.status,
        "status_display": submitted.report.get_status_display(),
        "message": "请妥善保存举报编号和查询码，凭此查询办理进度和答复；查询码不会再次显示。",
    }


@router.get(
    "/dishonesty-reports/track/{number}",
    auth=None,
    throttle=limits.verify_throttle(),
    response={200: TrackingOut, **errors(404, 422, 429)},
    summary="举报人凭编号和查询码查询办理进度与答复",
)
def track_report(request, number: str, code: str):
    return selectors.tracking_body(services.track(number, code))


# --------------------------------------------------------------------------------------------
# Handling (credit office assigns; the handling department accepts, investigates, concludes, replies)
# --------------------------------------------------------------------------------------------


class ReportListParams(Schema):
    status: str | None = None
    limit: int = 20
    offset: int = 0


class AssignIn(Schema):
    department: str = Field(description="承办部门编码")
    note: str = Field("", max_length=2000)


class StepNoteIn(Schema):
    note: str = Field("", max_length=4000)


class ConcludeIn(Schema):
    substantiated: bool = Field(description="举报是否属实")
    conclusion: str = Field(max_length=4000)


class ReplyIn(Schema):
    reply: str = Field(max_length=4000)


def _summary(report, user) -> dict:
    body = selectors.report_body(report, user)
    body.pop("reporter", None)  # identity only on the (audited) detail read
    body.pop("attachments", None)
    body.pop("steps", None)
    return body


@router.get(
    "/dishonesty-reports",
    auth=READERS,
    response={200: Page[DishonestyReportSummaryOut], **errors(401, 403, 422)},
    operation_id="list_dishonesty_reports",
    exclude_unset=True,  # what a reader may see depends on who it is
    summary="举报列表（信用办、审计员：全部；部门：本部门承办的）",
)
def list_reports(request, params: Query[ReportListParams]):
    reports = selectors.visible_reports(request.auth)
    if params.status:
        reports = reports.filter(status=params.status)
    page = paginate(reports.order_by("-id"), limit=params.limit, offset=params.offset)
    return {
        "count": page.count,
        "limit": page.limit,
        "offset": page.offset,
        "items": [_summary(r, request.auth) for r in page.items],
    }


@router.get(
    "/dishonesty-reports/{report_id}",
    auth=READERS,
    response={200: DishonestyReportOut, **errors(401, 403, 404, 422)},
    exclude_unset=True,
    summary="举报详情（举报人信息仅承办部门可见）",
)
def report_detail(request, report_id: int):
    return services.read_report(actor=request.actor, user=request.auth, report_id=report_id)


@router.get(
    "/dishonesty-reports/{report_id}/attachments/{attachment_id}",
    auth=HANDLERS,
    response=errors(401, 403, 404, 422),
    openapi_extra=file_answer("附件文件（PDF、JPG 或 PNG）", "application/pdf", "image/jpeg", "image/png"),
    summary="下载举报附件（仅承办部门）",
)
def report_attachment(request, report_id: int, attachment_id: int):
    attachment, path = services.open_attachment(
        actor=request.actor, user=request.auth, report_id=report_id, attachment_id=attachment_id
    )
    return FileResponse(
        open(path, "rb"),  # noqa: SIM115  (FileResponse closes it)
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@router.post(
    "/dishonesty-reports/{report_id}/assign",
    auth=CREDIT_OFFICE,
    response={200: DishonestyReportSummaryOut, **errors(400, 401, 403, 404, 409, 422)},
    exclude_unset=True,
    summary="分办：信用办指定承办部门",
)
def assign_report(request, report_id: int, payload: AssignIn):
    report = services.assign(
        actor=request.actor,
        user=request.auth,
        report_id=report_id,
        department_code=payload.department,
        note=payload.note,
    )
    return _summary(report, request.auth)


class RejectIn(Schema):
    reason: str = Field(max_length=4000, description="不予受理的理由（举报人凭查询码查看）")


@router.post(
    "/dishonesty-reports/{report_id}/reject",
    auth=CREDIT_OFFICE,
    response={200: DishonestyReportSummaryOut, **errors(400, 401, 403, 404, 409, 422)},
    exclude_unset=True,
    summary="不予受理：信用办说明理由",
)
def reject_report(request, report_id: int, payload: RejectIn):
    report = services.reject(actor=request.actor, user=request.auth, report_id=report_id, reason=payload.reason)
    return _summary(report, request.auth)


@router.post(
    "/dishonesty-reports/{report_id}/accept",
    auth=HANDLERS,
    response={200: DishonestyReportSummaryOut, **errors(400, 401, 403, 404, 409, 422)},
    exclude_unset=True,
    summary="承办部门受理",
)
def accept_report(request, report_id: int, payload: StepNoteIn):
    report = services.accept(actor=request.actor, user=request.auth, report_id=report_id, note=payload.note)
    return _summary(report, request.auth)


@router.post(
    "/dishonesty-reports/{report_id}/investigate",
    auth=HANDLERS,
    response={200: DishonestyReportSummaryOut, **errors(400, 401, 403, 404, 409, 422)},
    exclude_unset=True,
    summary="记录调查核实情况",
)
def investigate_report(request, report_id: int, payload: StepNoteIn):
    report = services.investigate(actor=request.actor, user=request.auth, report_id=report_id, note=payload.note)
    return _summary(report, request.auth)


@router.post(
    "/dishonesty-reports/{report_id}/conclude",
    auth=HANDLERS,
    response={200: DishonestyReportSummaryOut, **errors(400, 401, 403, 404, 409, 422)},
    exclude_unset=True,
    summary="办结：调查结论（是否属实）",
)
def conclude_report(request, report_id: int, payload: ConcludeIn):
    report = services.conclude(
        actor=request.actor,
        user=request.auth,
        report_id=report_id,
        substantiated=payload.substantiated,
        conclusion=payload.conclusion,
    )
    return _summary(report, request.auth)


@router.post(
    "/dishonesty-reports/{report_id}/reply",
    auth=HANDLERS,
    response={200: DishonestyReportSummaryOut, **errors(400, 401, 403, 404, 409, 422)},
    exclude_unset=True,
    summary="答复举报人（举报人凭查询码查看）",
)
def reply_report(request, report_id: int, payload: ReplyIn):
    report = services.reply(actor=request.actor, user=request.auth, report_id=report_id, text=payload.reply)
    return _summary(report, request.auth)
