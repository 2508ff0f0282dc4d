"""Subject rights (R20–R22): objections that suspend measures, credit repair under the 2026 rules,
provider self-correction. Every write is audited; every implementer concerned is told."""

import datetime as dt
from typing import TypeVar

from django.db import transaction

from xinyong.accounts.models import Department, Role, User
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.catalog.selectors import severity_rule
from xinyong.core import calendar, clock, parameters
from xinyong.core.dates import add_months
from xinyong.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from xinyong.lists.models import ListEntry
from xinyong.lists.services import end_entry, set_under_objection
from xinyong.notices.services import close_decision_tasks, open_decision_task
from xinyong.records.models import Record
from xinyong.records.services import set_status
from xinyong.supervision.models import CommitmentKind
from xinyong.supervision.services.commitments import make_commitment

from .models import Objection, Repair, RepairNote
from .selectors import earliest_repair_date, is_handler, required_conditions

T = TypeVar("T")

# ---- shared --------------------------------------------------------------------------------------


def _target(record_id: int | None, entry_id: int | None) -> Record | ListEntry:
    if record_id is not None and entry_id is None:
        return _record(record_id)
    if entry_id is not None and record_id is None:
        return _found(ListEntry.objects.select_related("subject", "initiator", "list_type").filter(pk=entry_id).first())
    raise InvalidInput("请指定 record 或 list_entry 之一", code="invalid_target")


def _record(record_id: int) -> Record:
    return _found(Record.objects.select_related("subject", "provider", "category").filter(pk=record_id).first())


def _found(item: T | None) -> T:
    if item is None:
        raise NotFound("异议或修复对象不存在", code="target_not_found")
    return item


def _require_subject_or_office(user: User, item) -> None:
    """The subject itself (its own account) or the credit office acting for it."""
    if user.has_role(Role.CREDIT_OFFICE):
        return
    if user.has_role(Role.SUBJECT) and user.subject_id == item.subject_id:
        return
    raise Forbidden("只能对本主体的信息提出申请", code="not_own_subject")


def _handler(item) -> Department:
    return item.provider if isinstance(item, Record) else item.initiator


def _require_handler(user: User, handler_id: int) -> None:
    if not is_handler(user, handler_id):
        raise Forbidden("只有作出认定的部门可以办理（谁认定、谁修复）", code="not_handler")


def _deadline(days: int, working: bool) -> dt.date:
    today = clock.today()
    if not working:
        return today + dt.timedelta(days=days)
    return calendar.add_working_days(today, days)


def _entries_citing(record: Record):
    return ListEntry.objects.filter(records=record, status=ListEntry.Status.ACTIVE, derived_from__isnull=True)


# ---- objections (R20) ----------------------------------------------------------------------------


def _objection_due(item) -> dt.date:
    kind = "record" if isinstance(item, Record) else "entry"
    days = parameters.integer(f"objection_{kind}_days")
    return _deadline(days, working=bool(parameters.integer("objection_working_days")))


@transaction.atomic
def file_objection(
    *, actor: Actor, user: User, record_id: int | None, entry_id: int | None, reason: str, evidence: str = ""
) -> Objection:
    if not reason.strip():
        raise InvalidInput("请说明异议理由", code="reason_required")
    item = _target(record_id, entry_id)
    if isinstance(item, ListEntry) and item.derived_from is not None:
        item = item.derived_from  # a person contests the organisation's entry it was derived from
    _require_subject_or_office(user, item)
    active = Record.Status.ACTIVE if isinstance(item, Record) else ListEntry.Status.ACTIVE
    if item.status != active:
        raise InvalidInput(f"该信息当前状态为“{item.get_status_display()}”，不能提出异议", code="not_active")
    pending = Objection.objects.filter(status=Objection.Status.PENDING)
    if pending.filter(record=item).exists() if isinstance(item, Record) else pending.filter(entry=item).exists():
        raise Conflict("该信息已有正在核查的异议", code="objection_pending")
    objection = Objection.objects.create(
        record=item if isinstance(item, Record) else None,
        entry=item if isinstance(item, ListEntry) else None,
        subject=item.subject,
        handler=_handler(item),
        filed_by=actor.name,
        reason=reason.strip(),
        evidence=evidence.strip(),
        filed_at=clock.now(),
        due_on=_objection_due(item),
        status_before=item.status,
    )
    _mark_under_objection(item, True, actor=actor, reason=f"异议#{objection.pk}：{reason.strip()}")
    open_decision_task(objection.handler, action="objection", due_on=objection.due_on, objection=objection)
    audit(
        actor=actor,
        action="objection.file",
        object_type="objection",
        object_id=objection.pk,
        after={"record": record_id, "list_entry": entry_id, "due_on": objection.due_on},
    )
    return objection


def _mark_under_objection(item, flag: bool, *, actor: Actor, reason: str) -> None:
    """Mark the item at once; measures of entries based on it are suspended (or resume)."""
    if isinstance(item, ListEntry):
        set_under_objection(item, flag, actor=actor, reason=reason)
        return
    set_status(
        item, Record.Status.UNDER_OBJECTION if flag else Record.Status.ACTIVE, actor_name=actor.name, reason=reason
    )
    for entry in _entries_citing(item):
        set_under_objection(entry, flag, actor=actor, reason=reason)


def _pending_for(user: User, objection_id: int) -> Objection:
    objection = Objection.objects.select_for_update().filter(pk=objection_id).first()
    if objection is None:
        raise NotFound("异议不存在", code="objection_not_found")
    _require_handler(user, objection.handler_id)
    if objection.status != Objection.Status.PENDING:
        raise InvalidInput(f"该异议已办结（{objection.get_status_display()}）", code="already_decided")
    return objection


@transaction.atomic
def decide_objection(
    *, actor: Actor, user: User, objection_id: int, upheld: bool, reason: str, outcome: str = Objection.Outcome.REVOKED
) -> Objection:
    """Upheld: the item is corrected or revoked and measures based on it end. Rejected: measures resume."""
    if not reason.strip():
        raise InvalidInput("请说明处理理由", code="reason_required")
    if upheld and outcome not in Objection.Outcome.values:
        raise InvalidInput(f"处理结果可选：{'、'.join(Objection.Outcome.values)}", code="invalid_outcome")
    objection = _pending_for(user, objection_id)
    item = objection.record or objection.entry
    note = f"异议#{objection.pk}{'成立' if upheld else '不成立'}：{reason.strip()}"
    if upheld:
        _correct_or_revoke(item, outcome, actor=actor, reason=note)
    else:
        _mark_under_objection(item, False, actor=actor, reason=note)
    objection.status = Objection.Status.UPHELD if upheld else Objection.Status.REJECTED
    objection.outcome = outcome if upheld else ""
    objection.decided_at, objection.decided_by, objection.decision_reason = clock.now(), actor.name, reason.strip()
    objection.save()
    close_decision_tasks(note=f"异议已办结：{objection.get_status_display()}", objection=objection)
    audit(
        actor=actor,
        action="objection.decide",
        object_type="objection",
        object_id=objection.pk,
        after={"status": objection.status, "outcome": objection.outcome, "reason": objection.decision_reason},
    )
    return objection


def _correct_or_revoke(item, outcome: str, *, actor: Actor, reason: str) -> None:
    if isinstance(item, ListEntry):
        item.under_objection = False
        item.save(update_fields=["under_objection"])
        end_entry(item, status=ListEntry.Status.REVOKED, actor=actor, reason=reason, action="revoke")
        return
    status = Record.Status.CORRECTED if outcome == Objection.Outcome.CORRECTED else Record.Status.REVOKED
    set_status(item, status, actor_name=actor.name, reason=reason, published=False)
    for entry in ListEntry.objects.filter(records=item, status=ListEntry.Status.ACTIVE, derived_from__isnull=True):
        entry.under_objection = False
        entry.save(update_fields=["under_objection"])
        end_entry(
            entry,
            status=ListEntry.Status.REVOKED,
            actor=actor,
            reason=f"所依据的信息经核实有误。{reason}",
            action="revoke",
        )


def flag_overdue_objections(*, today: dt.date) -> dict:
    overdue = Objection.objects.filter(
        status=Objection.Status.PENDING, due_on__lt=today, overdue_flagged_on__isnull=True
    )
    flagged = overdue.update(overdue_flagged_on=today)
    repairs_overdue = Repair.objects.filter(status=Repair.Status.PENDING, due_on__lt=today).count()
    if flagged:
        audit(
            actor=Actor(name="system", channel="daily"),
            action="objection.overdue_flag",
            object_type="daily",
            object_id=today.isoformat(),
            after={"flagged": flagged},
        )
    return {"objections_flagged": flagged, "repairs_overdue": repairs_overdue}


# ---- provider self-correction (R22) --------------------------------------------------------------


@transaction.atomic
def self_correct(*, actor: Actor, user: User, record_id: int, reason: str, outcome: str) -> Record:
    """A provider corrects or withdraws its own record: the same consequences as an upheld objection."""
    if not reason.strip():
        raise InvalidInput("请说明纠错理由", code="reason_required")
    if outcome not in Objection.Outcome.values:
        raise InvalidInput(f"处理结果可选：{'、'.join(Objection.Outcome.values)}", code="invalid_outcome")
    record = _record(record_id)
    if record.provider_id != user.department_id:
        raise Forbidden("只能纠正本部门报送的信息", code="not_own_record")
    if not record.is_current or record.status not in (Record.Status.ACTIVE, Record.Status.UNDER_OBJECTION):
        raise InvalidInput(f"该信息当前状态为“{record.get_status_display()}”", code="not_active")
    pending = Objection.objects.filter(record=record, status=Objection.Status.PENDING).first()
    if pending is not None:
        decide_objection(
            actor=actor,
            user=user,
            objection_id=pending.pk,
            upheld=True,
            reason=f"自查纠错：{reason.strip()}",
            outcome=outcome,
        )
        return _record(record_id)  # as the decision left it
    _correct_or_revoke(record, outcome, actor=actor, reason=f"自查纠错：{reason.strip()}")
    audit(
        actor=actor,
        action="record.self_correct",
        object_type="record",
        object_id=record.pk,
        after={"outcome": outcome, "reason": reason.strip()},
    )
    return record


# ---- credit repair (R21) and early exit ----------------------------------------------------------


def _repairable(item) -> None:
    if isinstance(item, Record):
        if not item.category.counts_as_dishonesty:
            raise InvalidInput(f"“{item.category.name}”不属于失信信息，无需修复", code="not_repairable")
        if item.status not in (Record.Status.ACTIVE, Record.Status.UNDER_OBJECTION) or not item.is_current:
            raise InvalidInput(f"该信息当前状态为“{item.get_status_display()}”", code="not_active")
        rule = severity_rule(item.category, item.fields.get(item.category.severity_field))
        if rule is not None and not rule.published:
            raise InvalidInput("轻微失信信息不予公示，无需修复", code="not_repairable")
        return
    if item.status != ListEntry.Status.ACTIVE:
        raise InvalidInput(f"该名单条目已{item.get_status_display()}", code="not_active")
    if item.derived_from_id:
        raise InvalidInput("个人条目随所属组织的条目移出，请对原条目申请", code="derived_entry")
    if item.list_type.min_period_months is None and item.list_type.kind == "black":
        raise InvalidInput(f"“{item.list_type.name}”不适用提前移出，期满自动移出", code="no_early_exit")


@transaction.atomic
def apply_repair(
    *,
    actor: Actor,
    user: User,
    record_id: int | None,
    entry_id: int | None,
    methods: list[str],
    commitment: str,
    conditions_met: list[str],
) -> Repair:
    item = _target(record_id, entry_id)
    _require_subject_or_office(user, item)
    _repairable(item)
    earliest = earliest_repair_date(item)
    if earliest is not None and clock.today() < earliest:
        raise InvalidInput(
            f"最短公示期未满，{earliest.isoformat()} 起方可申请信用修复",
            code="too_early",
            details=[{"earliest": earliest.isoformat()}],
        )
    met = set(conditions_met) | ({"credit_commitment"} if commitment.strip() else set())
    missing = [c for c in required_conditions(_handler(item)) if c.code not in met]
    if missing:
        raise InvalidInput(
            "修复条件尚未满足：" + "；".join(f"{c.name}（{c.code}）" for c in missing),
            code="conditions_missing",
            details=[{"condition": c.code, "name": c.name} for c in missing],
        )
    if Repair.objects.filter(record=record_id, entry=entry_id, status=Repair.Status.PENDING).exists():
        raise Conflict("已有正在审核的修复申请", code="repair_pending")
    repair = Repair.objects.create(
        record=item if isinstance(item, Record) else None,
        entry=item if isinstance(item, ListEntry) else None,
        subject=item.subject,
        handler=_handler(item),
        applicant=actor.name,
        methods=methods,
        commitment=commitment.strip(),
        conditions_met=sorted(met),
        filed_at=clock.now(),
        due_on=_deadline(parameters.integer("repair_decision_working_days"), working=True),
    )
    open_decision_task(repair.handler, action="repair", due_on=repair.due_on, repair=repair)
    if repair.commitment:
        # The public credit commitment of a repair is a commitment like any other (R17): published,
        # tracked, and a breach becomes a dishonesty record.
        make_commitment(
            actor=actor,
            subject=item.subject,
            department=repair.handler,
            kind=CommitmentKind.REPAIR,
            text=repair.commitment,
            reference=f"信用修复#{repair.pk}",
        )
    audit(
        actor=actor,
        action="repair.apply",
        object_type="repair",
        object_id=repair.pk,
        after={"record": record_id, "list_entry": entry_id, "methods": methods, "conditions": repair.conditions_met},
    )
    return repair


@transaction.atomic
def decide_repair(*, actor: Actor, user: User, repair_id: int, approve: bool, reason: str) -> Repair:
    repair = (
        Repair.objects.select_for_update(of=("self",))
        .select_related("record", "entry", "subject")
        .filter(pk=repair_id)
        .first()
    )
    if repair is None:
        raise NotFound("修复申请不存在", code="repair_not_found")
    _require_handler(user, repair.handler_id)
    if repair.status != Repair.Status.PENDING:
        raise InvalidInput(f"该申请已办结（{repair.get_status_display()}）", code="already_decided")
    if not approve and not reason.strip():
        raise InvalidInput("不予修复须说明理由", code="reason_required")
    repair.status = Repair.Status.APPROVED if approve else Repair.Status.REFUSED
    repair.decided_at, repair.decided_by, repair.decision_reason = clock.now(), actor.name, reason.strip()
    repair.save()
    close_decision_tasks(note=f"修复申请已办结：{repair.get_status_display()}", repair=repair)
    if approve:
        _complete_repair(repair, actor)
    audit(
        actor=actor,
        action="repair.decide",
        object_type="repair",
        object_id=repair.pk,
        after={"status": repair.status, "reason": repair.decision_reason},
    )
    return repair


def _complete_repair(repair: Repair, actor: Actor) -> None:
    """Publication and sharing stop, the list entry ends, measures lift, implementers are told, a repair
    note is published (000 §20)."""
    note = f"信用修复#{repair.pk}：{repair.decision_reason or '已履行义务并作出信用承诺'}"
    text = repair_note_text(repair, clock.today())
    if repair.record is not None:
        set_status(repair.record, Record.Status.REPAIRED, actor_name=actor.name, reason=note, published=False)
        for entry in _entries_citing(repair.record):
            end_entry(entry, status=ListEntry.Status.EXITED, actor=actor, reason=note, action="repair")
    else:
        entry = repair.entry
        assert entry is not None  # a repair concerns a record or a list entry (`_target`)
        end_entry(entry, status=ListEntry.Status.EXITED, actor=actor, reason=note, action="repair")
    RepairNote.objects.create(repair=repair, subject=repair.subject, published_at=clock.now(), text=text)


def repair_note_text(repair: Repair, on: dt.date) -> str:
    """The public repair note an approval on `on` publishes (000 §20), so a page can show it beforehand."""
    if repair.record is not None:
        what = f"{repair.record.category.name}（{repair.record.decision_number or repair.record.pk}）"
    else:
        entry = repair.entry
        assert entry is not None  # a repair concerns a record or a list entry (`_target`)
        what = f"{entry.list_type.name}（{entry.document_number}）"
    return f"{repair.subject.name}已完成信用修复，{what}自{on.isoformat()}起停止公示，相关惩戒措施解除。"


def notice_record(user: User, record_id: int) -> Record:
    """The record whose repair notice `user` may read: its provider's, its subject's own, the credit office."""
    record = Record.objects.select_related("category", "subject", "provider").filter(pk=record_id).first()
    if record is None:
        raise NotFound("信用信息不存在", code="record_not_found")
    own = record.provider_id == user.department_id or (user.subject_id and user.subject_id == record.subject_id)
    if not own and not user.has_role(Role.CREDIT_OFFICE):
        raise Forbidden("只能查看本部门或本主体的告知书", code="not_own_record")
    return record


def repair_notice(record: Record) -> dict:
    """两书同达: the repair notice delivered together with a penalty decision."""
    rule = severity_rule(record.category, record.fields.get(record.category.severity_field))
    if rule is None:
        raise InvalidInput("该类信息不适用信用修复告知", code="not_repairable")
    conditions = required_conditions(record.provider)
    earliest = add_months(record.decision_date, rule.min_months) if record.decision_date else None
    return {
        "record": record.pk,
        "decision_number": record.decision_number,
        "subject": {"code": record.subject.public_code, "name": record.subject.name},
        "severity": rule.label,
        "published": rule.published,
        "publication_ends_on": record.publication_ends_on,
        "earliest_repair_on": earliest,
        "conditions": [{"code": c.code, "name": c.name, "description": c.description} for c in conditions],
        "text": (
            f"依据《信用修复管理办法》，本处罚信息属{rule.label}失信行为信息，"
            + (
                f"公示期最短{rule.min_months}个月、最长{rule.max_months}个月，期满自动停止公示。"
                f"自{earliest.isoformat() if earliest else '最短公示期届满之日'}起，"
                "在履行处罚决定规定的义务并作出信用承诺后，可向本机关申请信用修复。"
                if rule.published
                else "依规不予公示。"
            )
        ),
    }
