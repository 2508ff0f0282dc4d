"""Rectification orders and interviews (R19)."""

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from xinyong.core.responses import Out, Page, SubjectRef, errors

from .. import selectors
from ..models import Interview, RectificationOrder
from ..services import rectification
from ..services.common import subject_for
from .common import DEPARTMENTS, GOVERNMENT_READERS, PageParams, page_of

router = Router()


class OrderIn(Schema):
    subject: str
    document_number: str = Field(min_length=1, max_length=100, description="责令整改通知书文号")
    reason: str = Field(min_length=1, max_length=2000)
    requirements: str = Field(min_length=1, max_length=2000)
    deadline: dt.date | None = None
    working_days: int | None = Field(None, ge=1, le=365, description="不填 deadline 时按工作日计算")
    record: int | None = Field(None, description="依据的信用信息 id")


class CompleteIn(Schema):
    note: str = Field(min_length=1, max_length=2000)
    rectified_on: dt.date | None = None


class InterviewIn(Schema):
    subject: str
    kind: str = Field(description="prompt（提示约谈）或 warning（警示约谈）")
    content: str = Field(min_length=1, max_length=4000)
    held_on: dt.date | None = None
    interviewees: str = Field("", max_length=200)
    rectification: int | None = Field(None, description="关联的整改通知 id")


class OrderOut(Out):
    id: int
    number: str = Field(examples=["XYZZ-2025-000001"])
    subject: SubjectRef
    department: str = Field(examples=["SCJG"])
    document_number: str = Field(examples=["柴市监责改〔2025〕12号"])
    reason: str
    requirements: str
    ordered_on: dt.date
    deadline: dt.date
    status: str = Field(description="open（整改中）、rectified（已整改）、overdue …", examples=["open"])
    status_display: str = Field(examples=["整改中"])
    rectified_on: dt.date | None
    completion_note: str
    escalated_at: dt.datetime | None = Field(description="逾期未整改提请时")
    record: int | None = Field(description="整改通知生成的信用信息 id")
    basis_record: int | None = Field(description="依据的信用信息 id")


class InterviewOut(Out):
    id: int
    number: str = Field(examples=["XYYT-2025-000001"])
    subject: SubjectRef
    department: str = Field(examples=["ZJ"])
    kind: str = Field(examples=["prompt"])
    kind_display: str = Field(examples=["提示约谈"])
    rectification: int | None = Field(description="关联的整改通知 id")
    held_on: dt.date
    interviewees: str
    content: str
    record: int | None


@router.post(
    "/rectifications",
    auth=DEPARTMENTS,
    response={201: OrderOut, **errors(400, 401, 403, 404, 422)},
    summary="责令限期整改",
)
def order_rectification(request, payload: OrderIn):
    order = rectification.order_rectification(
        actor=request.actor,
        user=request.auth,
        subject=subject_for(payload.subject),
        document_number=payload.document_number,
        reason=payload.reason,
        requirements=payload.requirements,
        deadline=payload.deadline,
        working_days=payload.working_days,
        basis_record_id=payload.record,
    )
    return 201, selectors.order_body(order)


@router.get(
    "/rectifications",
    auth=GOVERNMENT_READERS,
    response={200: Page[OrderOut], **errors(401, 403, 404, 422)},
    summary="限期整改（本部门；信用办全部）",
)
def list_rectifications(request, params: Query[PageParams]):
    orders = rectification.visible(RectificationOrder.objects.select_related("subject", "department"), request.auth)
    return page_of(orders, params, selectors.order_body)


@router.post(
    "/rectifications/{order_id}/complete",
    auth=DEPARTMENTS,
    response={200: OrderOut, **errors(400, 401, 403, 404, 422)},
    summary="确认整改完成",
)
def complete_rectification(request, order_id: int, payload: CompleteIn):
    order = rectification.complete(
        actor=request.actor, user=request.auth, order_id=order_id, note=payload.note, rectified_on=payload.rectified_on
    )
    return selectors.order_body(order)


@router.post(
    "/interviews",
    auth=DEPARTMENTS,
    response={201: InterviewOut, **errors(400, 401, 403, 404, 422)},
    summary="录入提示约谈、警示约谈（记入信用记录）",
)
def hold_interview(request, payload: InterviewIn):
    interview = rectification.hold_interview(
        actor=request.actor,
        user=request.auth,
        subject=subject_for(payload.subject),
        kind=payload.kind,
        content=payload.content,
        held_on=payload.held_on,
        interviewees=payload.interviewees,
        order_id=payload.rectification,
    )
    return 201, selectors.interview_body(interview)


@router.get(
    "/interviews",
    auth=GOVERNMENT_READERS,
    response={200: Page[InterviewOut], **errors(401, 403, 404, 422)},
    summary="约谈记录（本部门；信用办全部）",
)
def list_interviews(request, params: Query[PageParams]):
    found = rectification.visible(Interview.objects.select_related("subject", "department"), request.auth)
    return page_of(found, params, selectors.interview_body)
