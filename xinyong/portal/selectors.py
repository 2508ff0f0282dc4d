"""Reads of the portal: double-publicity listings, red and black lists, repair notes, typical cases,
report verification, and who may see what of a report of dishonesty. Only public-class data reaches
the public pages; persons are masked; every list is a bounded page."""

import datetime as dt

from django.db.models import F, Q
from django.utils import timezone

from xinyong.accounts.models import Department, Role, User
from xinyong.accounts.roles import GOVERNMENT
from xinyong.core.crypto import decrypt
from xinyong.core.errors import NotFound
from xinyong.core.masking import mask_person_name
from xinyong.core.pagination import Page, paginate
from xinyong.lists.models import CleanRecordPublication
from xinyong.lists.public import clean_members, clean_publication, public_entries
from xinyong.records.selectors import publicly_visible
from xinyong.rights.models import RepairNote
from xinyong.subjects.models import Subject

from .models import DishonestyReport, IssuedReport, TypicalCase
from .reports import record_line

PUBLICITY_CATEGORIES = {"licensing": "admin_licensing", "penalty": "admin_penalty"}


def subject_link(subject: Subject) -> dict:
    """Name and code as the public may see them; persons masked and not linked (their page is keyed
    by the full ID number, which the public never sees)."""
    if subject.is_person:
        return {"name": mask_person_name(subject.name), "code": subject.public_code, "linkable": False}
    return {"name": subject.name, "code": subject.uscc, "linkable": True}


def publicity_page(
    kind: str,
    *,
    on: dt.date,
    department: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int,
    offset: int,
) -> Page:
    records = publicly_visible(on).filter(category__code=PUBLICITY_CATEGORIES[kind])
    if department:
        records = records.filter(provider__code=department)
    if date_from:
        records = records.filter(decision_date__gte=date_from)
    if date_to:
        records = records.filter(decision_date__lte=date_to)
    records = records.select_related("subject", "provider", "category").order_by("-decision_date", "-id")
    page = paginate(records, limit=limit, offset=offset)
    items = []
    for record in page.items:
        line = record_line(
            {
                "fields": record.fields,
                "decision_number": record.decision_number,
                "decision_date": record.decision_date,
                "provider": record.provider.name,
                "status_display": record.get_status_display(),
            }
        )
        items.append(
            {**line, "subject": subject_link(record.subject), "under_objection": record.status == "under_objection"}
        )
    return Page(items=items, count=page.count, limit=page.limit, offset=page.offset)


def publicity_departments() -> list[Department]:
    """Departments that may publish decisions (a county has tens): the filter's choices."""
    return list(Department.objects.filter(is_active=True).order_by("code").only("code", "name"))


def list_page(kind: str, *, on: dt.date, list_type: str = "", limit: int, offset: int) -> Page:
    """Entries in force on a red or black list. Person-level entries derived from an organisation's
    entry (落实到人) serve implementers and stay off the public listing."""
    entries = public_entries(on).filter(list_type__kind=kind, derived_from__isnull=True)
    if list_type:
        entries = entries.filter(list_type__code=list_type)
    entries = entries.select_related("list_type", "initiator", "subject").order_by("-decided_on", "-id")
    page = paginate(entries, limit=limit, offset=offset)
    items = [
        {
            "subject": subject_link(e.subject),
            "list_type_name": e.list_type.name,
            "initiator": e.initiator.name,
            "document_number": e.document_number,
            "basis": e.basis,
            "starts_on": e.starts_on,
            "ends_on": e.ends_on,
            "under_objection": e.under_objection,
        }
        for e in page.items
    ]
    return Page(items=items, count=page.count, limit=page.limit, offset=page.offset)


def list_types_of(kind: str) -> list[tuple[str, str]]:
    from xinyong.lists.models import ListType

    return list(ListType.objects.filter(kind=kind, is_active=True).values_list("code", "name"))


def repair_notes_page(*, limit: int, offset: int) -> Page:
    notes = RepairNote.objects.select_related("subject").order_by("-published_at", "-id")
    page = paginate(notes, limit=limit, offset=offset)
    items = [{"subject": subject_link(n.subject), "text": n.text, "published_at": n.published_at} for n in page.items]
    return Page(items=items, count=page.count, limit=page.limit, offset=page.offset)


def clean_list_page(month: str, *, limit: int, offset: int) -> tuple[CleanRecordPublication, Page]:
    """A page of a monthly list of subjects with no bad record (the latest when `month` is empty)."""
    publication = clean_publication(month or None)
    page = paginate(clean_members(publication), limit=limit, offset=offset)
    items = [subject_link(m.subject) for m in page.items]
    return publication, Page(items=items, count=page.count, limit=page.limit, offset=page.offset)


def clean_list_months() -> list[str]:
    return [m.strftime("%Y-%m") for m in CleanRecordPublication.objects.values_list("month", flat=True)[:24]]


def cases_page(*, category: str = "", limit: int, offset: int) -> Page:
    cases = TypicalCase.objects.filter(published=True)
    if category:
        cases = cases.filter(category=category)
    return paginate(cases.order_by("-date", "-id"), limit=limit, offset=offset)


def published_case(case_id: int) -> TypicalCase:
    case = TypicalCase.objects.filter(pk=case_id, published=True).first()
    if case is None:
        raise NotFound("案例不存在或未发布", code="case_not_found")
    return case


def latest_cases(n: int = 4) -> list[TypicalCase]:
    return list(TypicalCase.objects.filter(published=True).order_by("-date", "-id")[:n])


# --------------------------------------------------------------------------------------------
# Credit reports (R24)
# --------------------------------------------------------------------------------------------


def issued_report(number: str) -> IssuedReport:
    found = IssuedReport.objects.select_related("subject").filter(number=(number or "").strip().upper()).first()
    if found is None:
        raise NotFound("未找到该编号的信用报告，报告可能是伪造的或编号有误", code="report_not_found")
    return found


def verification(report: IssuedReport, now: dt.datetime) -> dict:
    valid = now <= report.valid_until
    return {
        "number": report.number,
        "genuine": True,
        "valid": valid,
        "status": "valid" if valid else "expired",
        "status_display": "真实有效" if valid else "真实，但已超过有效期",
        "subject": {"code": report.subject.public_code, "name": report.subject_name},
        "issued_at": timezone.localtime(report.issued_at),
        "valid_until": timezone.localtime(report.valid_until),
        "format": report.format,
        "content_hash": report.content_hash,
        "content_hash_algorithm": "SHA-256",
    }


# --------------------------------------------------------------------------------------------
# Reports of dishonesty (R25): who sees what
# --------------------------------------------------------------------------------------------


def visible_reports(user: User):
    """The credit office and auditors see every report; a department the reports it handles; a
    subject's own account the concluded reports about itself (outcome only, see `report_body`)."""
    reports = DishonestyReport.objects.select_related("handler", "subject")
    if user.has_role(Role.CREDIT_OFFICE, Role.AUDITOR):
        return reports
    q = Q(pk__in=[])
    if user.department_id and user.has_role(*GOVERNMENT):
        q |= Q(handler_id=user.department_id)
    if user.has_role(Role.SUBJECT) and user.subject_id:
        q |= Q(
            subject_id=user.subject_id,
            status__in=[DishonestyReport.Status.CONCLUDED, DishonestyReport.Status.REPLIED],
        )
    return reports.filter(q)


# The workbench's queue of reports: awaiting triage (the credit office's), being handled, overdue, answered.
OPEN_REPORTS = (
    DishonestyReport.Status.ASSIGNED,
    DishonestyReport.Status.ACCEPTED,
    DishonestyReport.Status.INVESTIGATING,
    DishonestyReport.Status.CONCLUDED,
)
# From which statuses each handling step may be taken (the services refuse any other; pages offer these).
_S = DishonestyReport.Status
STEP_FROM = {
    "assign": (_S.SUBMITTED, _S.ASSIGNED),
    "reject": (_S.SUBMITTED, _S.ASSIGNED),
    "accept": (_S.ASSIGNED,),
    "investigate": (_S.ACCEPTED, _S.INVESTIGATING),
    "conclude": (_S.INVESTIGATING,),
    "reply": (_S.CONCLUDED,),
}
REPORT_STATES = {"triage": "待分办", "open": "办理中", "overdue": "已逾期", "done": "已办结"}


def report_queue(user: User, *, state: str, today: dt.date, department: str = ""):
    """Reports in one state of the queue, as `visible_reports` lets the user see them (never the reporter:
    that is only on the handler's page): triage oldest first, open and overdue due first, done latest first."""
    reports = visible_reports(user)
    if department:
        reports = reports.filter(handler__code=department)
    if state == "triage":
        return reports.filter(status=DishonestyReport.Status.SUBMITTED).order_by("submitted_at", "id")
    if state == "done":
        return reports.filter(status__in=ANSWERED).order_by("-replied_at", "-id")
    reports = reports.filter(status__in=OPEN_REPORTS)
    if state == "overdue":
        reports = reports.filter(due_on__lt=today)
    return reports.order_by(F("due_on").asc(nulls_last=True), "submitted_at", "id")


def department_reports(department):
    """The reports a department is handling (assigned to it, not yet answered), due first: its 待办."""
    reports = DishonestyReport.objects.filter(handler=department, status__in=OPEN_REPORTS)
    return reports.order_by(F("due_on").asc(nulls_last=True), "id")


def assignable_departments(report: DishonestyReport):
    """The departments the credit office may assign a report to: active ones, not the reported body."""
    return [d for d in Department.objects.filter(is_active=True).order_by("code") if not is_reported_body(d, report)]


def is_reported_body(department: Department, report: DishonestyReport) -> bool:
    """Whether the department is the reported body itself (its own unified code is the reported code): it may
    not handle a report about itself."""
    subject = report.subject
    codes = {report.subject_code, subject.key if subject is not None else ""} - {""}
    return bool(department.unified_code) and department.unified_code in codes


def is_handler(user: User, report: DishonestyReport) -> bool:
    return bool(report.handler_id and user.department_id == report.handler_id and user.has_role(*GOVERNMENT))


def visible_report(user: User, report_id: int) -> DishonestyReport:
    report = visible_reports(user).filter(pk=report_id).first()
    if report is None:
        raise NotFound("举报不存在", code="report_not_found")
    return report


def report_body(report: DishonestyReport, user: User) -> dict:
    """What `user` may read. The reporter's identity and the attachments (which may reveal it) go to
    the handling department only; the reported subject reads the outcome, nothing else."""
    outcome = {
        "id": report.pk,
        "number": report.number,
        "subject": {"code": report.subject_code, "name": report.subject_name},
        "status": report.status,
        "status_display": report.get_status_display(),
        "submitted_at": report.submitted_at,
        "concluded_at": report.concluded_at,
        "substantiated": report.substantiated,
        "conclusion": report.conclusion,
    }
    government = user.has_role(*GOVERNMENT) and (
        user.has_role(Role.CREDIT_OFFICE, Role.AUDITOR) or is_handler(user, report)
    )
    if not government:
        return outcome
    body = {
        **outcome,
        "content": report.content,
        "handler": {"code": report.handler.code, "name": report.handler.name} if report.handler else None,
        "assigned_at": report.assigned_at,
        "accepted_at": report.accepted_at,
        "reply": report.reply,
        "replied_at": report.replied_at,
        "attachment_count": report.attachments.count(),
        "steps": [
            {
                "action": s.action,
                "status_after": s.status_after,
                "actor": s.actor,
                "department": s.department,
                "note": s.note,
                "occurred_at": s.occurred_at,
            }
            for s in report.steps.all()
        ],
    }
    if is_handler(user, report):
        body["reporter"] = {
            "name": decrypt(report.reporter_name_encrypted),
            "contact": decrypt(report.reporter_contact_encrypted),
        }
        body["attachments"] = [
            {"id": a.pk, "name": a.original_name, "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
            for a in report.attachments.all()
        ]
    return body


# The statuses in which the reporter has an answer: the handler's reply, or the credit office's reason for
# not accepting the report.
ANSWERED = (DishonestyReport.Status.REPLIED, DishonestyReport.Status.REJECTED)


def tracking_body(report: DishonestyReport) -> dict:
    """The reporter's view: progress and the reply, no content and no identity echoed back."""
    return {
        "number": report.number,
        "status": report.status,
        "status_display": report.get_status_display(),
        "submitted_at": report.submitted_at,
        "handler": report.handler.name if report.handler else None,
        "concluded_at": report.concluded_at,
        "reply": report.reply if report.status in ANSWERED else "",
        "replied_at": report.replied_at,
    }
