"""List entries: initiate, revoke, read with history and loop closure (R7–R11)."""

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from xinyong.accounts.auth import roles
from xinyong.accounts.models import Role
from xinyong.accounts.roles import ENTRY_ENDERS, ENTRY_READERS
from xinyong.core import clock
from xinyong.core.pagination import paginate
from xinyong.core.responses import Page, errors

from . import services
from .models import ListEntry
from .public import clean_members, clean_publication
from .schemas import CleanListOut, EntryDetailOut, EntryOut
from .selectors import ENTRY_LOOP

router = Router(tags=["lists"])


class EntryIn(Schema):
    list_type: str = Field(description="名单类型编码，见 GET /list-types")
    subject: str = Field(description="统一社会信用代码或身份证号")
    basis: str = Field(min_length=1, max_length=2000, description="认定依据")
    document_number: str = Field(min_length=1, max_length=100, description="认定文书号")
    decided_on: dt.date
    ends_on: dt.date | None = Field(None, description="不填则按名单类型的默认期限")
    starts_on: dt.date | None = None
    conduct_on: dt.date | None = Field(None, description="失信行为发生日期（确定当时的法定代表人等）")
    reason: str = Field("", max_length=2000)
    records: list[int] = Field(default_factory=list, description="所依据的信用信息 id")


class RevokeIn(Schema):
    reason: str = Field(min_length=1, max_length=500, title="撤销理由")


class EntryParams(Schema):
    list_type: str | None = None
    subject: str | None = None
    status: str | None = "active"
    limit: int = 20
    offset: int = 0


def entry_body(entry: ListEntry) -> dict:
    return {
        "id": entry.pk,
        "list_type": entry.list_type.code,
        "list_type_name": entry.list_type.name,
        "kind": entry.list_type.kind,
        "subject": {"code": entry.subject.public_code, "name": entry.subject.name},
        "initiator": entry.initiator.code,
        "document_number": entry.document_number,
        "basis": entry.basis,
        "reason": entry.reason,
        "decided_on": entry.decided_on,
        "conduct_on": entry.conduct_on,
        "starts_on": entry.starts_on,
        "ends_on": entry.ends_on,
        "status": entry.status,
        "under_objection": entry.under_objection,
        "derived_from": entry.derived_from_id,
        "via_role": entry.via_role or None,
        "derived": [
            {"id": d.pk, "subject": d.subject.public_code, "via_role": d.via_role}
            for d in entry.derived_entries.select_related("subject")
        ],
    }


@router.post(
    "/list-entries",
    auth=roles(Role.INITIATOR),
    response={201: EntryOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="认定并发布名单条目（仅该名单类型的认定部门）",
)
def create_entry(request, payload: EntryIn):
    data = services.EntryInput(**{**payload.dict(), "records": tuple(payload.records)})
    entry = services.create_entry(actor=request.actor, user=request.auth, data=data)
    return 201, entry_body(entry)


@router.post(
    "/list-entries/{entry_id}/revoke",
    auth=roles(ENTRY_ENDERS),
    response={200: EntryOut, **errors(400, 401, 403, 404, 422)},
    summary="撤销名单条目（须说明理由；措施终止并推送实施部门）",
)
def revoke_entry(request, entry_id: int, payload: RevokeIn):
    entry = services.revoke_entry(actor=request.actor, user=request.auth, entry_id=entry_id, reason=payload.reason)
    return entry_body(entry)


@router.get(
    "/list-entries",
    auth=roles(ENTRY_READERS),
    response={200: Page[EntryOut], **errors(401, 403, 404, 422)},
    summary="名单条目列表",
)
def list_entries(request, params: Query[EntryParams]):
    entries = ListEntry.objects.select_related("list_type", "subject", "initiator").order_by("-id")
    if params.list_type:
        entries = entries.filter(list_type__code=params.list_type)
    if params.status:
        entries = entries.filter(status=params.status)
    if params.subject:
        from xinyong.subjects.selectors import get_by_code

        entries = entries.filter(subject=get_by_code(params.subject))
    page = paginate(entries, limit=params.limit, offset=params.offset)
    return page.body(entry_body)


@router.get(
    "/list-entries/{entry_id}",
    auth=roles(ENTRY_READERS),
    response={200: EntryDetailOut, **errors(401, 403, 404, 422)},
    summary="名单条目详情：变更记录与闭环情况",
)
def get_entry(request, entry_id: int):
    entry = services.get_entry(entry_id)
    body = entry_body(entry)
    body["events"] = [
        {
            "action": e.action,
            "actor": e.actor,
            "department": e.department,
            "reason": e.reason,
            "status_after": e.status_after,
            "occurred_at": e.occurred_at,
        }
        for e in entry.events.all()
    ]
    body["loop"] = ENTRY_LOOP.told([entry.pk, *(d["id"] for d in body["derived"])], clock.today())
    return body


class CleanListParams(Schema):
    month: str | None = Field(None, description="YYYY-MM，默认最近一期")
    limit: int = 50
    offset: int = 0


@router.get(
    "/clean-record-list",
    auth=None,
    response={200: CleanListOut, **errors(404, 422)},
    summary="无不良信用记录主体（按月公布）",
)
def clean_record_list(request, params: Query[CleanListParams]):
    publication = clean_publication(params.month)
    members = clean_members(publication)
    page = paginate(members, limit=params.limit, offset=params.offset)
    return page.body(
        lambda m: {"code": m.subject.public_code, "name": m.subject.name},
        month=publication.month.strftime("%Y-%m"),
        as_of=publication.as_of,
        years=publication.years,
    )
