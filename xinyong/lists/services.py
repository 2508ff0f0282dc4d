"""List entries and their lifecycle (R7–R9, R13): initiate, revoke, expire; every change recorded with
who and why, pushed to the implementers and reflected in the check snapshot.

The check snapshot belongs to `checks`, which sits above this app: it registers its listener in
`ENTRY_CHANGES` from `AppConfig.ready()`."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from xinyong.accounts.models import Department, Role, User
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core import bulk, clock, parameters
from xinyong.core.dates import add_months
from xinyong.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from xinyong.core.lengths import abbreviate, column_length, within
from xinyong.notices.services import push_entry_change
from xinyong.records.models import Record
from xinyong.subjects.models import Subject
from xinyong.subjects.selectors import get_by_code, relations_of_role

from .models import EXIT_CONDITIONS, CleanRecordMember, CleanRecordPublication, ListEntry, ListEntryEvent, ListType
from .public import clean_subjects

# Told of the ids of entries created or changed, inside the writer's transaction (the check snapshot's
# `engine.note_entry_changes`: every process's snapshot then reloads those entries).
ENTRY_CHANGES: list[Callable[[list[int]], None]] = []


def entries_changed(entry_ids: list[int]) -> None:
    """Every writer of list entries calls this, inside its transaction."""
    for listener in ENTRY_CHANGES:
        listener(entry_ids)


@dataclass(frozen=True)
class EntryInput:
    list_type: str
    subject: str
    document_number: str
    basis: str
    decided_on: dt.date
    reason: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    conduct_on: dt.date | None = None
    records: tuple[int, ...] = ()


def get_list_type(code: str) -> ListType:
    list_type = ListType.objects.filter(code=code, is_active=True).first()
    if list_type is None:
        raise InvalidInput(f"名单类型“{code}”不存在或已停用，见 GET /list-types", code="unknown_list_type")
    return list_type


def _require_initiator(user: User, list_type: ListType) -> Department:
    department = user.department
    if department is None or department.code != list_type.initiator_department_code:
        raise Forbidden(
            f"“{list_type.name}”只能由{list_type.initiator_name or list_type.initiator_department_code}认定"
            f"（谁主管、谁认定）",
            code="not_list_initiator",
        )
    return department


def _period(list_type: ListType, data: EntryInput) -> tuple[dt.date, dt.date | None]:
    starts = data.starts_on or data.decided_on
    ends = data.ends_on
    if ends is None and list_type.default_period_months:
        ends = add_months(starts, list_type.default_period_months) - dt.timedelta(days=1)
    if ends is not None and ends < starts:
        raise InvalidInput("截止日期早于起始日期", code="invalid_period")
    if ends is not None and list_type.max_period_months:
        longest = add_months(starts, list_type.max_period_months) - dt.timedelta(days=1)
        if ends > longest:
            raise InvalidInput(
                f"“{list_type.name}”期限最长{list_type.max_period_months}个月，截止日期不得晚于{longest}",
                code="period_too_long",
            )
    return starts, ends


def _validate(data: EntryInput, today: dt.date) -> None:
    problems = []
    if not data.document_number.strip():
        problems.append({"field": "document_number", "message": "须提供认定文书号"})
    if not data.basis.strip():
        problems.append({"field": "basis", "message": "须说明认定依据"})
    if data.decided_on > today:
        problems.append({"field": "decided_on", "message": "认定日期不能晚于今天"})
    if problems:
        raise InvalidInput(
            "名单认定信息不完整：" + "；".join(p["message"] for p in problems), code="invalid_entry", details=problems
        )


def _cited_records(subject: Subject, ids: tuple[int, ...]) -> list[Record]:
    records = list(Record.objects.filter(pk__in=ids, subject=subject))
    missing = sorted(set(ids) - {r.pk for r in records})
    if missing:
        raise InvalidInput(f"关联信用信息不存在或不属于该主体：{missing}", code="invalid_records")
    return records


def _event(entry: ListEntry, action: str, actor: Actor, reason: str = "") -> None:
    ListEntryEvent.objects.create(
        entry=entry,
        action=action,
        actor=actor.name,
        department=actor.department,
        reason=abbreviate(reason, column_length(ListEntryEvent, "reason")),
        status_after=entry.status,
        occurred_at=clock.now(),
    )


def persons_reached(list_type: ListType, subject: Subject, on: dt.date) -> list:
    """落实到人: the relations through which an organisation's entry reaches persons — each person once,
    by the list type's role priority — when the list type is person-level; on the conduct date."""
    if not list_type.person_level or subject.is_person:
        return []
    by_priority = {role: i for i, role in enumerate(list_type.person_roles)}
    relations = sorted(relations_of_role(subject, set(list_type.person_roles), on), key=lambda r: by_priority[r.role])
    reached, seen = [], set()
    for relation in relations:
        if relation.member_id in seen or not relation.member.is_person:
            continue
        seen.add(relation.member_id)
        reached.append(relation)
    return reached


def _derive_person_entries(entry: ListEntry, relations: list, actor: Actor) -> list[ListEntry]:
    """The persons reached (`persons_reached`) get their own entry, derived from the organisation's."""
    derived = []
    for relation in relations:
        person_entry = ListEntry.objects.create(
            list_type=entry.list_type,
            subject=relation.member,
            initiator=entry.initiator,
            document_number=entry.document_number,
            basis=entry.basis,
            reason=entry.reason,
            decided_on=entry.decided_on,
            conduct_on=entry.conduct_on,
            starts_on=entry.starts_on,
            ends_on=entry.ends_on,
            derived_from=entry,
            via_role=relation.role,
            created_by=actor.name,
            created_at=entry.created_at,
        )
        _event(person_entry, "derive", actor, f"{relation.get_role_display()}，随{entry.subject.name}列入")
        derived.append(person_entry)
    return derived


def snapshot_of(entry: ListEntry) -> dict:
    return {
        "list_type": entry.list_type.code,
        "subject": entry.subject.public_code,
        "document_number": entry.document_number,
        "decided_on": entry.decided_on,
        "starts_on": entry.starts_on,
        "ends_on": entry.ends_on,
        "status": entry.status,
    }


@dataclass(frozen=True)
class PreparedEntry:
    """An entry as `create_entry` would make it, checked but not stored: what the page shows before the
    initiator confirms (`prepare_entry`), and what `create_entry` then stores."""

    list_type: ListType
    department: Department
    subject: Subject
    starts_on: dt.date
    ends_on: dt.date | None
    records: list
    persons: list  # subjects.Relation: whom the entry reaches (落实到人)


def prepare_entry(*, user: User, data: EntryInput) -> PreparedEntry:
    """Every check `create_entry` makes, in its order, with the same errors; nothing is written."""
    list_type = get_list_type(data.list_type)
    department = _require_initiator(user, list_type)
    _validate(data, clock.today())
    subject = get_by_code(data.subject)
    starts, ends = _period(list_type, data)
    duplicate = ListEntry.objects.filter(
        list_type=list_type,
        subject=subject,
        status=ListEntry.Status.ACTIVE,
        document_number=data.document_number.strip(),
        derived_from__isnull=True,
    )
    existing = duplicate.values_list("pk", flat=True).first()
    if existing is not None:
        raise Conflict("该主体已依同一文书列入该名单", code="duplicate_entry", details=[{"entry_id": existing}])
    records = _cited_records(subject, data.records)
    persons = persons_reached(list_type, subject, data.conduct_on or data.decided_on)
    return PreparedEntry(list_type, department, subject, starts, ends, records, persons)


@transaction.atomic
def create_entry(*, actor: Actor, user: User, data: EntryInput) -> ListEntry:
    prepared = prepare_entry(user=user, data=data)
    entry = ListEntry.objects.create(
        list_type=prepared.list_type,
        subject=prepared.subject,
        initiator=prepared.department,
        document_number=data.document_number.strip(),
        basis=data.basis.strip(),
        reason=data.reason.strip(),
        decided_on=data.decided_on,
        conduct_on=data.conduct_on,
        starts_on=prepared.starts_on,
        ends_on=prepared.ends_on,
        created_by=actor.name,
        created_at=clock.now(),
    )
    entry.records.set(prepared.records)
    _event(entry, "create", actor, data.reason)
    derived = _derive_person_entries(entry, prepared.persons, actor)
    entries_changed([entry.pk, *(d.pk for d in derived)])
    push_entry_change(entry, action="publish", derived=derived)
    audit(
        actor=actor,
        action="list_entry.create",
        object_type="list_entry",
        object_id=entry.pk,
        after={**snapshot_of(entry), "derived": [d.pk for d in derived]},
    )
    return entry


def _end(entry: ListEntry, *, status: str, actor: Actor, reason: str, action: str) -> list[ListEntry]:
    """End an entry and the person entries derived from it; returns all entries ended."""
    now = clock.now()
    ended = [entry, *entry.derived_entries.filter(status=ListEntry.Status.ACTIVE)]
    for item in ended:
        item.status, item.ended_at, item.end_reason = (
            status,
            now,
            abbreviate(reason, column_length(ListEntry, "end_reason")),
        )
        item.save(update_fields=["status", "ended_at", "end_reason"])
        _event(item, action, actor, reason)
    entries_changed([e.pk for e in ended])
    return ended


def get_entry(entry_id: int) -> ListEntry:
    entry = ListEntry.objects.select_related("list_type", "subject", "initiator").filter(pk=entry_id).first()
    if entry is None:
        raise NotFound("名单条目不存在", code="entry_not_found")
    return entry


@transaction.atomic
def revoke_entry(*, actor: Actor, user: User, entry_id: int, reason: str) -> ListEntry:
    if not reason.strip():
        raise InvalidInput("撤销须说明理由", code="reason_required")
    entry = get_entry(entry_id)
    _endable(user, entry, "撤销")
    reason = within(reason.strip(), ListEntry, "end_reason", field="reason")
    return end_entry(entry, status=ListEntry.Status.REVOKED, actor=actor, reason=reason, action="revoke")


def earliest_exit_date(entry: ListEntry) -> dt.date | None:
    """The first day an entry may leave its list early: after its list type's minimum period, if any."""
    if entry.list_type.min_period_months is None:
        return None
    return add_months(entry.starts_on, entry.list_type.min_period_months)


def may_end(user: User, entry: ListEntry) -> bool:
    """May this user end the entry by decision (revoke, early exit)? Its initiating department and the
    credit office may, while it is active; a person entry ends with its organisation's."""
    return (
        entry.status == ListEntry.Status.ACTIVE
        and not entry.derived_from_id
        and (user.department_id == entry.initiator_id or user.has_role(Role.CREDIT_OFFICE))
    )


def _endable(user: User, entry: ListEntry, what: str) -> None:
    """`may_end`, with the reason when not."""
    if may_end(user, entry):
        return
    if entry.derived_from_id:
        raise InvalidInput(
            f"个人条目随所属组织的条目{what}，请{what}原条目",
            code="derived_entry",
            details=[{"entry_id": entry.derived_from_id}],
        )
    if user.department_id != entry.initiator_id and not user.has_role(Role.CREDIT_OFFICE):
        raise Forbidden(f"只有认定部门可以{what}该条目", code="not_list_initiator")
    if entry.status != ListEntry.Status.ACTIVE:
        raise InvalidInput(f"该条目已{entry.get_status_display()}", code="entry_not_active")


@transaction.atomic
def exit_entry(*, actor: Actor, user: User, entry_id: int, conditions: list[str], reason: str) -> ListEntry:
    """Early exit decided by the initiating department (提前移出, R21; 001 四（六）, 002 §15): the list type
    must allow it, its minimum period must have passed, and the subject must meet one of its conditions."""
    if not reason.strip():
        raise InvalidInput("提前移出须说明理由", code="reason_required")
    entry = get_entry(entry_id)
    _endable(user, entry, "移出")
    allowed = entry.list_type.early_exit_conditions or []
    if not allowed:
        raise InvalidInput(
            f"“{entry.list_type.name}”不适用提前移出：{entry.list_type.early_exit_rule}", code="no_early_exit"
        )
    earliest = earliest_exit_date(entry)
    if earliest is not None and clock.today() < earliest:
        raise InvalidInput(f"最短期限未满，{earliest.isoformat()} 起方可提前移出", code="too_early")
    unknown = [c for c in conditions if c not in allowed]
    if unknown or not conditions:
        names = "、".join(EXIT_CONDITIONS[c] for c in allowed)
        raise InvalidInput(f"须选择已满足的移出条件（可选：{names}）", code="conditions_missing")
    met = "、".join(EXIT_CONDITIONS[c] for c in conditions)
    reason = within(reason.strip(), ListEntry, "end_reason", field="reason")
    return end_entry(
        entry, status=ListEntry.Status.EXITED, actor=actor, reason=f"提前移出（{met}）：{reason}", action="exit"
    )


def end_entry(entry: ListEntry, *, status: str, actor: Actor, reason: str, action: str) -> ListEntry:
    """End an active entry (revoked, expired, or exited by repair): measures stop, implementers are told."""
    ended = _end(entry, status=status, actor=actor, reason=reason, action=action)
    push_entry_change(entry, action="expire" if action == "expire" else "revoke", derived=ended[1:])
    audit(
        actor=actor,
        action=f"list_entry.{action}",
        object_type="list_entry",
        object_id=entry.pk,
        before={"status": ListEntry.Status.ACTIVE},
        after={"status": entry.status, "reason": reason},
    )
    return entry


def set_under_objection(entry: ListEntry, flag: bool, *, actor: Actor, reason: str) -> None:
    """Suspend (objection filed) or resume (objection rejected) the measures of an entry and of the
    person entries derived from it; implementers are told either way."""
    if entry.under_objection == flag:
        return
    entry.under_objection = flag
    # The event before the save: what the save announces (federation's outbox) names its latest event.
    _event(entry, "objection" if flag else "resume", actor, reason)
    entry.save(update_fields=["under_objection"])
    derived = list(entry.derived_entries.filter(status=ListEntry.Status.ACTIVE))
    entries_changed([entry.pk, *(d.pk for d in derived)])
    if entry.status == ListEntry.Status.ACTIVE:
        push_entry_change(entry, action="suspend" if flag else "resume", derived=derived)


def expire_entries(*, today: dt.date) -> dict:
    """Daily: entries whose period ended yesterday or earlier leave the list (R9)."""
    actor = Actor(name="system", channel="daily")
    due = ListEntry.objects.filter(status=ListEntry.Status.ACTIVE, ends_on__lt=today, derived_from__isnull=True)
    expired = 0
    for entry in due.select_related("list_type", "subject"):
        with transaction.atomic():
            end_entry(entry, status=ListEntry.Status.EXPIRED, actor=actor, reason="惩戒期限届满", action="expire")
        expired += 1
    return {"expired": expired}


@transaction.atomic
def publish_clean_record_list(*, today: dt.date) -> dict:
    """Monthly (the first daily run of a month): publish the subjects with no bad record (R6)."""
    month = today.replace(day=1)
    if CleanRecordPublication.objects.filter(month=month).exists():
        return {"published": False}
    years = parameters.integer("no_dishonesty_years")
    publication = CleanRecordPublication.objects.create(
        month=month, as_of=today, years=years, subject_count=0, generated_at=clock.now()
    )
    store_clean_members(publication)
    audit(
        actor=Actor(name="system", channel="daily"),
        action="clean_list.publish",
        object_type="clean_list",
        object_id=month.isoformat(),
        after={"count": publication.subject_count, "as_of": today},
    )
    return {"published": True, "subjects": publication.subject_count}


def store_clean_members(publication: CleanRecordPublication) -> None:
    """The subjects of a publication as of its day, stored in their published order (name, then id)."""
    ids = clean_subjects(publication.as_of, publication.years).values_list("pk", flat=True)
    members = [
        CleanRecordMember(publication=publication, position=n, subject_id=pk) for n, pk in enumerate(ids, start=1)
    ]
    bulk.insert(members)
    publication.subject_count = len(members)
    publication.save(update_fields=["subject_count"])
