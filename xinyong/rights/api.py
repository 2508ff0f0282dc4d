from ninja import Query, Router, Schema
from pydantic import Field

from xinyong.accounts.auth import roles
from xinyong.accounts.models import Role
from xinyong.accounts.roles import REPAIR_NOTICE_READERS, RIGHTS_APPLICANTS, RIGHTS_HANDLERS, RIGHTS_READERS
from xinyong.core.pagination import status_page
from xinyong.core.responses import Page, errors
from xinyong.core.schemas import StatusPageQuery

from . import selectors, services
from .models import Objection, Repair, RepairCondition
from .schemas import CorrectedOut, ObjectionOut, RepairConditionOut, RepairNoticeOut, RepairOut

router = Router(tags=["rights"])
APPLICANTS = roles(RIGHTS_APPLICANTS)
HANDLERS = roles(RIGHTS_HANDLERS)
READERS = roles(RIGHTS_READERS)


class ObjectionIn(Schema):
    record: int | None = Field(None, description="信用信息 id")
    list_entry: int | None = Field(None, description="名单条目 id")
    reason: str = Field(max_length=2000)
    evidence: str = Field("", max_length=2000)


class ObjectionDecisionIn(Schema):
    upheld: bool
    reason: str = Field(max_length=2000)
    outcome: str = Field("revoked", description="异议成立时：corrected（更正）或 revoked（撤销）")


class RepairIn(Schema):
    record: int | None = None
    list_entry: int | None = None
    method: str = Field("fulfil", description="fulfil、commit、rectify、training、credit_report、public_service")
    methods: list[str] = Field(default_factory=list, description="多种方式时填写")
    commitment: str = Field("", max_length=4000, description="公开信用承诺全文")
    conditions: list[str] = Field(default_factory=list, description="已满足的条件编码，见 GET /repair-conditions")


class RepairDecisionIn(Schema):
    approve: bool
    reason: str = Field("", max_length=2000)


class CorrectIn(Schema):
    outcome: str = Field(description="corrected（更正）或 revoked（撤回）")
    reason: str = Field(max_length=2000)


def objection_body(o: Objection) -> dict:
    return {
        "id": o.pk,
        "record": o.record_id,
        "list_entry": o.entry_id,
        "subject": {"code": o.subject.public_code, "name": o.subject.name},
        "handler": o.handler.code,
        "reason": o.reason,
        "evidence": o.evidence,
        "status": o.status,
        "status_display": o.get_status_display(),
        "outcome": o.outcome or None,
        "filed_at": o.filed_at,
        "due_on": o.due_on,
        "overdue": o.overdue_flagged_on is not None,
        "decided_at": o.decided_at,
        "decision_reason": o.decision_reason,
    }


def repair_body(r: Repair) -> dict:
    return {
        "id": r.pk,
        "record": r.record_id,
        "list_entry": r.entry_id,
        "subject": {"code": r.subject.public_code, "name": r.subject.name},
        "handler": r.handler.code,
        "methods": r.methods,
        "commitment": r.commitment,
        "conditions_met": r.conditions_met,
        "status": r.status,
        "status_display": r.get_status_display(),
        "filed_at": r.filed_at,
        "due_on": r.due_on,
        "decided_at": r.decided_at,
        "decision_reason": r.decision_reason,
    }


def _page(queryset, params: StatusPageQuery, body):
    return status_page(queryset.select_related("subject", "handler"), params, body)


@router.post(
    "/objections",
    auth=APPLICANTS,
    response={201: ObjectionOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="提出异议：立即标注“异议中”，相关措施暂停",
)
def file_objection(request, payload: ObjectionIn):
    objection = services.file_objection(
        actor=request.actor,
        user=request.auth,
        record_id=payload.record,
        entry_id=payload.list_entry,
        reason=payload.reason,
        evidence=payload.evidence,
    )
    return 201, objection_body(objection)


@router.get(
    "/objections",
    auth=READERS,
    response={200: Page[ObjectionOut], **errors(401, 403, 422)},
    summary="异议列表（主体看本主体的，部门看本部门办理的）",
)
def list_objections(request, params: Query[StatusPageQuery]):
    return _page(selectors.visible_objections(request.auth), params, objection_body)


@router.post(
    "/objections/{objection_id}/decision",
    auth=HANDLERS,
    response={200: ObjectionOut, **errors(400, 401, 403, 404, 422)},
    summary="办结异议：成立则更正或撤销，不成立则恢复",
)
def decide_objection(request, objection_id: int, payload: ObjectionDecisionIn):
    objection = services.decide_objection(
        actor=request.actor,
        user=request.auth,
        objection_id=objection_id,
        upheld=payload.upheld,
        reason=payload.reason,
        outcome=payload.outcome,
    )
    return objection_body(objection)


@router.post(
    "/repairs",
    auth=APPLICANTS,
    response={201: RepairOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="申请信用修复或提前移出名单",
)
def apply_repair(request, payload: RepairIn):
    repair = services.apply_repair(
        actor=request.actor,
        user=request.auth,
        record_id=payload.record,
        entry_id=payload.list_entry,
        methods=payload.methods or [payload.method],
        commitment=payload.commitment,
        conditions_met=payload.conditions,
    )
    return 201, repair_body(repair)


@router.get(
    "/repairs",
    auth=READERS,
    response={200: Page[RepairOut], **errors(401, 403, 422)},
    summary="信用修复申请列表",
)
def list_repairs(request, params: Query[StatusPageQuery]):
    return _page(selectors.visible_repairs(request.auth), params, repair_body)


@router.post(
    "/repairs/{repair_id}/decision",
    auth=HANDLERS,
    response={200: RepairOut, **errors(400, 401, 403, 404, 422)},
    summary="作出修复决定（谁认定、谁修复）",
)
def decide_repair(request, repair_id: int, payload: RepairDecisionIn):
    repair = services.decide_repair(
        actor=request.actor, user=request.auth, repair_id=repair_id, approve=payload.approve, reason=payload.reason
    )
    return repair_body(repair)


@router.get(
    "/repair-conditions",
    auth=None,
    response={200: list[RepairConditionOut], **errors(422)},
    summary="信用修复条件（全国通用及各部门补充条件）",
)
def repair_conditions(request, department: str | None = None):
    conditions = RepairCondition.objects.filter(is_active=True).select_related("department")
    if department:
        conditions = conditions.filter(department__code=department) | conditions.filter(department__isnull=True)
    return [
        {
            "code": c.code,
            "name": c.name,
            "description": c.description,
            "department": c.department.code if c.department else None,
        }
        for c in conditions.order_by("id")
    ]


@router.post(
    "/records/{record_id}/correct",
    auth=roles(Role.PROVIDER),
    response={200: CorrectedOut, **errors(400, 401, 403, 404, 422)},
    summary="自查纠错：更正或撤回本部门的信息",
)
def self_correct(request, record_id: int, payload: CorrectIn):
    record = services.self_correct(
        actor=request.actor, user=request.auth, record_id=record_id, reason=payload.reason, outcome=payload.outcome
    )
    return {"id": record.pk, "status": record.status, "reason": record.status_reason}


@router.get(
    "/records/{record_id}/repair-notice",
    auth=roles(REPAIR_NOTICE_READERS),
    response={200: RepairNoticeOut, **errors(401, 403, 404, 422)},
    summary="信用修复告知书（与处罚决定书同时送达）",
)
def repair_notice(request, record_id: int):
    return services.repair_notice(services.notice_record(request.auth, record_id))
