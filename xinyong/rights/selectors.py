"""Public sections of a subject's profile contributed by the rights slice (R20, R21, R23)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, QuerySet

from xinyong.accounts.models import Department, Role, User
from xinyong.accounts.roles import RIGHTS_HANDLERS
from xinyong.accounts.selectors import rows_visible_to
from xinyong.catalog.selectors import severity_rule
from xinyong.core.dates import add_months
from xinyong.core.errors import NotFound
from xinyong.lists.models import EXIT_CONDITIONS, ListEntry
from xinyong.lists.services import earliest_exit_date
from xinyong.records.models import Record
from xinyong.subjects.models import Subject

from .models import REPAIR_METHODS, Objection, Repair, RepairCondition, RepairNote


def objections_section(subject: Subject, as_of: dt.date | None) -> tuple[str, list]:
    pending = Objection.objects.filter(subject=subject, status=Objection.Status.PENDING).order_by("-id")[:20]
    return "objections_pending", [
        {"id": o.pk, "record": o.record_id, "list_entry": o.entry_id, "filed_at": o.filed_at, "due_on": o.due_on}
        for o in pending
    ]


def repair_notes_section(subject: Subject, as_of: dt.date | None) -> tuple[str, list]:
    notes = RepairNote.objects.filter(subject=subject).order_by("-published_at")[:20]
    return "repair_notes", [{"text": n.text, "published_at": n.published_at} for n in notes]


# ---- who sees which objections and repairs (the API's lists and the workbench's queues) -----------

QUEUE_STATES = ("open", "overdue", "done")


def visible_objections(user: User) -> QuerySet[Objection]:
    """A subject sees its own; a department what it handles; the credit office and auditors all."""
    return rows_visible_to(Objection.objects.all(), user, department_field="handler_id", subject_field="subject_id")


def visible_repairs(user: User) -> QuerySet[Repair]:
    return rows_visible_to(Repair.objects.all(), user, department_field="handler_id", subject_field="subject_id")


def queue(rows: QuerySet, *, state: str, today: dt.date, department: str = "") -> QuerySet:
    """A queue of objections or repairs: open (due first), overdue (open past the due date) or done (latest
    decided first); `department` (a code) narrows an overseer's view to one handling department."""
    rows = rows.select_related("subject", "handler")
    if department:
        rows = rows.filter(handler__code=department)
    if state == "done":
        return rows.exclude(status="pending").order_by("-decided_at", "-id")
    rows = rows.filter(status="pending")
    if state == "overdue":
        rows = rows.filter(due_on__lt=today)
    return rows.order_by(F("due_on").asc(nulls_last=True), "filed_at", "id")


def visible_objection(user: User, objection_id: int) -> Objection:
    """One objection with what it is about, or NotFound (another department's is as if it did not exist)."""
    found = (
        visible_objections(user)
        .select_related("subject", "handler", "record__category", "record__provider", "entry__list_type")
        .filter(pk=objection_id)
        .first()
    )
    if found is None:
        raise NotFound("异议不存在", code="objection_not_found")
    return found


def visible_repair(user: User, repair_id: int) -> Repair:
    found = (
        visible_repairs(user)
        .select_related("subject", "handler", "record__category", "record__provider", "entry__list_type")
        .filter(pk=repair_id)
        .first()
    )
    if found is None:
        raise NotFound("修复申请不存在", code="repair_not_found")
    return found


def is_handler(user: User, handler_id: int) -> bool:
    """Who decides an objection or a repair: the department that provided or decided the item (谁认定、谁修复),
    or the credit office."""
    return user.department_id == handler_id or user.has_role(Role.CREDIT_OFFICE)


def may_decide(user: User, item: Objection | Repair) -> bool:
    """Whether a page offers the decision: still pending, a handler's role (the API's), and `is_handler`."""
    return item.status == "pending" and user.has_role(*RIGHTS_HANDLERS) and is_handler(user, item.handler_id)


def entries_concerned(item: Objection | Repair) -> list[int]:
    """The list entries a decision on this objection or repair acts on: the entry itself or those citing the
    record, with the person entries derived from them (their tasks are pushed too)."""
    if item.entry_id:
        roots = ListEntry.objects.filter(pk=item.entry_id)
    else:
        roots = ListEntry.objects.filter(records=item.record_id, derived_from__isnull=True)
    ids = list(roots.values_list("pk", flat=True))
    return ids + list(ListEntry.objects.filter(derived_from__in=ids).values_list("pk", flat=True))


# ---- a repair application as its deciding department reviews it (R21) ----------------------------


def required_conditions(handler: Department) -> list[RepairCondition]:
    conditions = RepairCondition.objects.filter(is_active=True)
    return list(conditions.filter(department__isnull=True)) + list(conditions.filter(department=handler))


def earliest_repair_date(item) -> dt.date | None:
    """After the minimum publication period (penalties, by severity) or the list type's minimum period."""
    if isinstance(item, Record):
        rule = severity_rule(item.category, item.fields.get(item.category.severity_field))
        if rule is None or not item.decision_date:
            return None
        return add_months(item.decision_date, rule.min_months)
    return earliest_exit_date(item)


@dataclass(frozen=True)
class Condition:
    code: str
    name: str
    description: str
    met: bool  # the subject declared it met (a credit commitment: wrote one)


@dataclass(frozen=True)
class RepairReview:
    repair: Repair
    conditions: list[Condition]
    methods: list[str]
    earliest: dt.date | None  # the first day the rules let it be repaired (minimum period served)
    latest: dt.date | None  # the day publication or the list entry ends anyway (maximum period)


def repair_review(repair: Repair) -> RepairReview:
    """The conditions the rules ask of this repair — the platform's and the department's (`RepairCondition`),
    and for a list entry its list type's early-exit conditions — each against what the subject supplied, and
    the earliest and latest dates its rules allow."""
    met = set(repair.conditions_met)
    conditions = [Condition(c.code, c.name, c.description, c.code in met) for c in required_conditions(repair.handler)]
    record, entry = repair.record, repair.entry
    item = record or entry
    assert item is not None  # a repair concerns a record or a list entry (`services._target`)
    latest = record.publication_ends_on if record is not None else None
    if entry is not None:
        latest = entry.ends_on
        known = {c.code for c in conditions}
        for code in entry.list_type.early_exit_conditions or []:
            if code not in known:
                conditions.append(Condition(code, EXIT_CONDITIONS.get(code, code), "", code in met))
    return RepairReview(
        repair=repair,
        conditions=conditions,
        methods=[REPAIR_METHODS.get(m, m) for m in repair.methods],
        earliest=earliest_repair_date(item),
        latest=latest,
    )
