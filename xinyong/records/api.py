import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from xinyong.accounts.auth import roles
from xinyong.accounts.models import Role
from xinyong.accounts.selectors import department_of
from xinyong.audit.services import record as audit
from xinyong.core import clock
from xinyong.core.errors import Forbidden, InvalidInput, NotFound

from . import selectors, services
from .models import Record

router = Router(tags=["信用信息归集"])


class RecordIn(Schema):
    category: str = Field(description="信息类别编码，见 GET /categories")
    fields: dict = Field(description="按类别字段定义填写，如 CF_XDR_MC、CF_WSH …")
    publish: bool = Field(True, description="公开类信息是否立即公示（false 时稍后调用 /records/{id}/publish）")


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


class PeriodParams(Schema):
    start: dt.date
    end: dt.date
    department: str | None = None


def _stored_body(stored: services.Stored) -> dict:
    record = stored.record
    return {
        "id": record.pk,
        "outcome": stored.outcome,
        "version": record.version,
        "category": record.category.code,
        "decision_number": record.decision_number,
        "decision_date": record.decision_date,
        "publish_due": record.publish_due,
        "published_at": record.published_at,
        "subject": {
            "code": record.subject.public_code,
            "name": record.subject.name,
            "code_verified": record.subject.code_verified,
        },
        "warnings": stored.warnings,
    }


@router.post(
    "/records",
    auth=roles(Role.PROVIDER),
    response={200: dict, 201: dict},
    summary="报送一条信用信息（相同内容重复报送不重复入库）",
)
def post_record(request, payload: RecordIn):
    stored = services.ingest_record(
        actor=request.actor,
        provider=department_of(request.auth),
        category_code=payload.category,
        fields=payload.fields,
        publish=payload.publish,
    )
    return (200 if stored.outcome == services.DUPLICATE else 201), _stored_body(stored)


@router.get(
    "/records/{record_id}",
    auth=roles(Role.PROVIDER, Role.CREDIT_OFFICE, Role.AUDITOR),
    summary="查看信用信息（含来源与历史版本；本部门或信用办）",
)
def get_record(request, record_id: int):
    record = Record.objects.select_related("category", "provider", "subject").filter(pk=record_id).first()
    if record is None:
        raise NotFound("信用信息不存在", code="record_not_found")
    user = request.auth
    if not user.has_role(Role.CREDIT_OFFICE, Role.AUDITOR) and record.provider_id != user.department_id:
        raise Forbidden("只能查看本部门报送的信用信息", code="not_own_record")
    audit(actor=request.actor, action="record.read", object_type="record", object_id=record.pk)
    body = selectors.department_record(record)
    body["history"] = [
        {"id": r.pk, "version": r.version, "status": r.status, "received_at": r.received_at} for r in _versions(record)
    ]
    return body


def _versions(record: Record) -> list[Record]:
    chain = [record]
    while chain[-1].supersedes_id:
        chain.append(Record.objects.get(pk=chain[-1].supersedes_id))
    newer = record
    while hasattr(newer, "superseded_by"):
        newer = newer.superseded_by
        chain.insert(0, newer)
    return chain


@router.post("/records/{record_id}/publish", auth=roles(Role.PROVIDER), summary="公示（暂缓公示的信息）")
def publish(request, record_id: int):
    record = services.publish_record(actor=request.actor, provider=department_of(request.auth), record_id=record_id)
    return {"id": record.pk, "published_at": record.published_at}


@router.post("/records/{record_id}/withdraw", auth=roles(Role.PROVIDER), summary="撤回（决定被撤销或变更），停止公示")
def withdraw(request, record_id: int, payload: ReasonIn):
    record = services.withdraw_record(
        actor=request.actor, provider=department_of(request.auth), record_id=record_id, reason=payload.reason
    )
    return {"id": record.pk, "status": record.status, "reason": record.status_reason}


@router.get(
    "/publicity/timeliness",
    auth=roles(Role.CREDIT_OFFICE, Role.PROVIDER, Role.AUDITOR),
    summary="双公示及时率：按部门统计按时、迟报、仍逾期",
)
def publicity_timeliness(request, params: Query[PeriodParams]):
    if params.end < params.start:
        raise InvalidInput("结束日期早于开始日期", code="invalid_period")
    department = params.department
    user = request.auth
    if not user.has_role(Role.CREDIT_OFFICE, Role.AUDITOR):
        department = department_of(user).code  # a provider sees its own figures only
    rows = selectors.timeliness(start=params.start, end=params.end, today=clock.today(), department_code=department)
    return {"start": params.start, "end": params.end, "today": clock.today(), "departments": rows}
