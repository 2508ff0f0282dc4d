"""What a subject sees of itself on 我的信用 (issue 20 §2, §3). Every function takes the subject (or the
signed-in user, whose subject it is) and filters on it first: no id from a URL or a form reaches a query
without that filter."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from xinyong.accounts.models import Department
from xinyong.audit.models import AuditEvent
from xinyong.catalog.models import Category, Disclosure
from xinyong.checks.models import Check
from xinyong.core import crypto
from xinyong.lists.models import ListEntry
from xinyong.lists.public import entry_measures
from xinyong.records.models import Record
from xinyong.rights.models import Objection, Repair, RepairNote
from xinyong.subjects.models import Subject
from xinyong.supervision.models import Evaluation

from .models import Document, Notice, SubjectAccount

SEEN = (Disclosure.PUBLIC, Disclosure.AUTHORISED)  # a subject sees these classes of its records
MAX_ROWS = 200
# Non-public reads of a subject's data that the audit trail keeps (issue 20 §3). The check path writes
# its own rows (checks.Check) rather than audit events, and is read from there.
READ_ACTIONS = {"authorised.read": "授权查询", "record.read": "部门调阅"}


def own_id_number(subject: Subject) -> str:
    """A person's own ID number, unmasked: shown only on its own pages."""
    return crypto.decrypt(subject.id_encrypted) if subject.is_person and subject.id_encrypted else ""


def records(subject: Subject) -> QuerySet[Record]:
    return (
        Record.objects.filter(subject=subject, is_current=True, category__disclosure__in=SEEN)
        .select_related("category", "provider")
        .order_by("-decision_date", "-id")[:MAX_ROWS]
    )


def record(subject: Subject, record_id: int) -> Record | None:
    found = Record.objects.filter(subject=subject, is_current=True, category__disclosure__in=SEEN, pk=record_id)
    return found.select_related("category", "provider").first()


def entries(subject: Subject) -> list[dict]:
    """The subject's list entries, newest first, with the measures each carries and their legal basis."""
    found = (
        ListEntry.objects.filter(subject=subject)
        .select_related("list_type", "initiator", "derived_from__subject", "subject")
        .order_by("-decided_on", "-id")[:MAX_ROWS]
    )
    return [
        {"entry": e, "measures": entry_measures(e, e.under_objection) if e.status == ListEntry.Status.ACTIVE else []}
        for e in found
    ]


def entry(subject: Subject, entry_id: int) -> ListEntry | None:
    return ListEntry.objects.filter(subject=subject, pk=entry_id).select_related("list_type", "initiator").first()


def objections(subject: Subject) -> QuerySet[Objection]:
    return Objection.objects.filter(subject=subject).select_related("record__category", "entry__list_type", "handler")


def repairs(subject: Subject) -> QuerySet[Repair]:
    return Repair.objects.filter(subject=subject).select_related("record__category", "entry__list_type", "handler")


def repair_notes(subject: Subject) -> QuerySet[RepairNote]:
    return RepairNote.objects.filter(subject=subject)


def documents(subject: Subject) -> dict[tuple[str, int], list[Document]]:
    """The subject's documents by ("objection" | "repair", id)."""
    found: dict[tuple[str, int], list[Document]] = {}
    for d in Document.objects.filter(objection__subject=subject) | Document.objects.filter(repair__subject=subject):
        key = ("objection", d.objection_id) if d.objection_id else ("repair", d.repair_id or 0)
        found.setdefault(key, []).append(d)
    return found


def grade(subject: Subject) -> dict | None:
    """The current grade with every line that moved it; lines from government-only records are counted."""
    evaluation = Evaluation.objects.filter(subject=subject, is_current=True).first()
    if evaluation is None:
        return None
    seen = set(Category.objects.filter(disclosure__in=SEEN).values_list("code", flat=True))
    lines = [c for c in evaluation.contributions if c["public"] or not c.get("category") or c["category"] in seen]
    return {"evaluation": evaluation, "lines": lines, "hidden": len(evaluation.contributions) - len(lines)}


def notices(subject: Subject) -> QuerySet[Notice]:
    return Notice.objects.filter(subject=subject)[:50]


def accounts(subject: Subject) -> QuerySet[SubjectAccount]:
    return SubjectAccount.objects.filter(subject=subject).select_related("user").order_by("kind", "id")


def pending_accounts() -> QuerySet[SubjectAccount]:
    """Registrations waiting for the credit office, oldest first."""
    return SubjectAccount.objects.filter(status=SubjectAccount.Status.PENDING).select_related("user").order_by("id")


def decided_accounts() -> QuerySet[SubjectAccount]:
    decided = SubjectAccount.objects.exclude(status=SubjectAccount.Status.PENDING).exclude(decided_at=None)
    return decided.select_related("user", "subject").order_by("-decided_at")[:50]


# ---- 查询记录 (who looked at me) ------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    at: dt.datetime
    department: str  # the department's or institution's name
    kind: str  # 信用核查, 授权查询, 部门调阅
    detail: str


def _departments(codes: set[str]) -> dict[str, str]:
    return dict(Department.objects.filter(code__in=codes).values_list("code", "name"))


def queries(
    subject: Subject, *, department: str = "", since: dt.date | None = None, until: dt.date | None = None
) -> list[Query]:
    """Every non-public look at the subject's data: the checks departments made on it (应查必查) and the
    reads the audit trail keeps (authorised sharing, a department opening one of its records), newest first.
    Refused attempts are left out: they read nothing."""
    checks = Check.objects.filter(subject=subject).select_related("implementer")
    own_records = [str(pk) for pk in Record.objects.filter(subject=subject).values_list("pk", flat=True)[:5000]]
    events = AuditEvent.objects.filter(
        action="authorised.read", object_id=subject.public_code
    ) | AuditEvent.objects.filter(action="record.read", object_id__in=own_records)
    if department:
        checks = checks.filter(implementer__code=department)
        events = events.filter(department=department)
    if since:
        checks, events = checks.filter(checked_at__date__gte=since), events.filter(occurred_at__date__gte=since)
    if until:
        checks, events = checks.filter(checked_at__date__lte=until), events.filter(occurred_at__date__lte=until)
    found = [
        Query(c.checked_at, c.implementer.name, "信用核查", f"业务事项：{c.matter}；核查编号 {c.number}")
        for c in checks.order_by("-checked_at")[:MAX_ROWS]
    ]
    reads = [e for e in events.order_by("-id")[:MAX_ROWS] if (e.after or {}).get("granted", True)]
    names = _departments({e.department for e in reads})
    for e in reads:
        detail = (
            f"用途：授权#{e.after.get('authorisation')}" if e.action == "authorised.read" else f"信息#{e.object_id}"
        )
        found.append(Query(e.occurred_at, names.get(e.department, e.department or "—"), READ_ACTIONS[e.action], detail))
    return sorted(found, key=lambda q: q.at, reverse=True)[:MAX_ROWS]


def query_departments(subject: Subject) -> list[tuple[str, str]]:
    """(code, name) of every department that looked, for the filter."""
    codes = set(Check.objects.filter(subject=subject).values_list("implementer__code", flat=True))
    codes |= set(
        AuditEvent.objects.filter(action="authorised.read", object_id=subject.public_code).values_list(
            "department", flat=True
        )
    )
    return sorted(_departments(codes).items(), key=lambda item: item[1])


def objection_documents(objection_id: int) -> list[Document]:
    """The documents filed with one objection, in filing order."""
    return list(Document.objects.filter(objection_id=objection_id))


def repair_documents(repair_id: int) -> list[Document]:
    """The documents filed with one repair application, each naming the condition it was filed for."""
    return list(Document.objects.filter(repair_id=repair_id))
