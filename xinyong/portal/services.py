"""Writes of the portal: issuing credit reports (R24) and receiving and handling reports of dishonesty
(举报, R25). Keyword-only, transactional, audited (architecture §2). Audit events never carry the
reporter's name or contact: the audit log is read by auditors, who are not the handler."""

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from xinyong.accounts.models import Department, Role, User
from xinyong.audit.services import Actor, record
from xinyong.core import calendar, clock, parameters
from xinyong.core.crypto import encrypt, lookup_hash
from xinyong.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from xinyong.core.identifiers import identify
from xinyong.subjects.models import Subject
from xinyong.subjects.selectors import key_for_code

from . import reports
from .models import DishonestyReport, DishonestyReportAttachment, DishonestyReportStep, IssuedReport
from .selectors import STEP_FROM, is_handler, is_reported_body, report_body, visible_report

PUBLIC_PORTAL = Actor(name="public", channel="portal")
PUBLIC_API = Actor(name="public", channel="api")
# Unambiguous characters for numbers and codes people read aloud or type (no 0/O, 1/I/L).
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _random(n: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(n))


def normalise_number(number: str) -> str:
    return (number or "").strip().upper()


# --------------------------------------------------------------------------------------------
# Credit reports (R24)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedDocument:
    report: IssuedReport
    document: dict
    payload: bytes  # the PDF file, or the canonical JSON of `document`


def issue_report(*, actor: Actor, subject: Subject, fmt: str, base_url: str, requester_ip_hash: str) -> IssuedDocument:
    """Build, hash and record one credit report. The number is random (not guessable from another),
    dated, and unique; the PDF is rendered outside the transaction (it is the slow part)."""
    if fmt not in IssuedReport.Format.values:
        raise InvalidInput("format 应为 pdf 或 json", code="invalid_format")
    issued_at = clock.now()
    valid_until = issued_at + dt.timedelta(days=parameters.integer("report_validity_days"))
    for _attempt in range(5):
        number = f"XY-{clock.today():%Y%m%d}-{_random(8)}"
        if not IssuedReport.objects.filter(number=number).exists():
            break
    # The QR code and the printed address open the human verification page (issue 20 §6); systems use
    # GET /api/v1/reports/verify/{number}.
    verify_url = f"{base_url}/reports/verify?number={number}"
    document = reports.report_document(
        subject, number=number, issued_at=issued_at, valid_until=valid_until, verify_url=verify_url
    )
    payload = reports.render_pdf(document) if fmt == "pdf" else reports.canonical_json(document)
    digest = reports.sha256(payload)
    try:
        with transaction.atomic():
            issued = IssuedReport.objects.create(
                number=number,
                subject=subject,
                subject_name=document["subject"]["name"],
                issued_at=issued_at,
                valid_until=valid_until,
                content_hash=digest,
                format=fmt,
                requester_ip_hash=requester_ip_hash,
            )
            record(
                actor=actor,
                action="report.issue",
                object_type="issued_report",
                object_id=number,
                after={
                    "subject": subject.public_code,
                    "format": fmt,
                    "content_hash": digest,
                    "valid_until": valid_until,
                },
            )
    except IntegrityError as error:  # two requests drew the same number: vanishingly rare
        raise Conflict("报告编号冲突，请重试", code="report_number_conflict") from error
    return IssuedDocument(issued, document, payload)


# --------------------------------------------------------------------------------------------
# Reports of dishonesty (R25)
# --------------------------------------------------------------------------------------------

ATTACHMENT_TYPES = {
    # extension → (content type, magic bytes the file must start with)
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


def _code_hash(number: str, code: str) -> str:
    return lookup_hash(f"dishonesty-report:{number}:{code.strip().upper()}")


def check_attachments(files: list) -> list[tuple[object, str, str]]:
    """Size limit, count limit and a type allow-list checked on the bytes, not only the name."""
    if len(files) > settings.XINYONG_ATTACHMENT_MAX_FILES:
        raise InvalidInput(f"附件最多 {settings.XINYONG_ATTACHMENT_MAX_FILES} 个", code="too_many_attachments")
    limit = settings.XINYONG_ATTACHMENT_MAX_BYTES
    checked = []
    for upload in files:
        name = Path(upload.name or "").name[-200:]
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in ATTACHMENT_TYPES:
            raise InvalidInput(f"附件“{name}”类型不允许，仅接受 PDF、JPG、PNG", code="attachment_type")
        if upload.size > limit:
            raise InvalidInput(f"附件“{name}”超过 {limit // (1024 * 1024)} MB 的大小限制", code="attachment_too_large")
        if upload.size == 0:
            raise InvalidInput(f"附件“{name}”是空文件", code="attachment_empty")
        content_type, magics = ATTACHMENT_TYPES[extension]
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(m) for m in magics):
            raise InvalidInput(f"附件“{name}”的内容与扩展名不符", code="attachment_type")
        checked.append((upload, name, content_type))
    return checked


def store_attachment(upload, name: str, when: dt.datetime) -> tuple[str, int, str]:
    extension = name.rsplit(".", 1)[-1].lower()
    relative = Path("attachments") / f"{when:%Y}" / f"{when:%m}" / f"{uuid.uuid4().hex}.{extension}"
    target = Path(settings.DATA_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with open(target, "xb") as handle:
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
            handle.write(chunk)
    target.chmod(0o600)
    return str(relative), size, digest.hexdigest()


@dataclass(frozen=True)
class Submitted:
    report: DishonestyReport
    query_code: str  # shown once to the reporter; only its keyed hash is stored


def submit_dishonesty_report(
    *,
    actor: Actor,
    subject_name: str,
    subject_code: str = "",
    reporter_name: str,
    reporter_contact: str,
    content: str,
    files: list | None = None,
    requester_ip_hash: str = "",
) -> Submitted:
    subject_name, reporter_name, reporter_contact, content = (
        (subject_name or "").strip(),
        (reporter_name or "").strip(),
        (reporter_contact or "").strip(),
        (content or "").strip(),
    )
    problems = []
    if not 2 <= len(subject_name) <= 200:
        problems.append({"field": "subject_name", "message": "请填写被举报主体名称（2–200 字）"})
    if not 1 <= len(reporter_name) <= 50:
        problems.append({"field": "reporter_name", "message": "请填写举报人姓名（50 字以内）"})
    if not 5 <= len(reporter_contact) <= 100:
        problems.append({"field": "reporter_contact", "message": "请填写联系电话或电子邮箱"})
    if not 10 <= len(content) <= 5000:
        problems.append({"field": "content", "message": "举报内容 10–5000 字，请写明失信行为的时间、地点和经过"})
    subject = None
    code = (subject_code or "").strip()
    if code:
        key = key_for_code(code)
        if key is None:
            problems.append({"field": "subject_code", "message": f"统一社会信用代码无效：{identify(code).error}"})
        else:
            subject = Subject.objects.filter(key=key).first()
            code = subject.public_code if subject else identify(code).code
    if problems:
        raise InvalidInput("；".join(p["message"] for p in problems), code="invalid_report", details=problems)
    checked = check_attachments(files or [])

    now = clock.now()
    query_code = _random(12)
    stored: list[Path] = []
    try:
        with transaction.atomic():
            number = f"JB{now:%Y%m%d}{_random(6)}"
            report = DishonestyReport.objects.create(
                number=number,
                query_code_hash=_code_hash(number, query_code),
                subject=subject,
                subject_name=subject.name if subject and not subject.is_person else subject_name,
                subject_code=code,
                reporter_name_encrypted=encrypt(reporter_name),
                reporter_contact_encrypted=encrypt(reporter_contact),
                content=content,
                channel=actor.channel,
                requester_ip_hash=requester_ip_hash,
                submitted_at=now,
            )
            for upload, name, content_type in checked:
                relative, size, digest = store_attachment(upload, name, now)
                stored.append(Path(settings.DATA_DIR) / relative)
                DishonestyReportAttachment.objects.create(
                    report=report,
                    original_name=name,
                    stored_path=relative,
                    content_type=content_type,
                    size=size,
                    sha256=digest,
                )
            _step(report, actor, "submit", "")
            record(
                actor=actor,
                action="dishonesty_report.submit",
                object_type="dishonesty_report",
                object_id=report.pk,
                after={"number": number, "subject": code or subject_name, "attachments": len(checked)},
            )
    except Exception:
        for path in stored:
            path.unlink(missing_ok=True)
        raise
    return Submitted(report, query_code)


def track(number: str, code: str) -> DishonestyReport:
    """The reporter's view, by number and secret code; a wrong code looks exactly like no report."""
    report = DishonestyReport.objects.select_related("handler").filter(number=normalise_number(number)).first()
    if report is None or not hmac.compare_digest(report.query_code_hash, _code_hash(report.number, code or "")):
        raise NotFound("举报编号或查询码不正确", code="report_not_found")
    return report


def _step(report: DishonestyReport, actor: Actor, action: str, note: str) -> None:
    DishonestyReportStep.objects.create(
        report=report,
        action=action,
        status_after=report.status,
        actor=actor.name,
        department=actor.department,
        note=note,
        occurred_at=clock.now(),
    )


def _locked(report_id: int) -> DishonestyReport:
    report = DishonestyReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound("举报不存在", code="report_not_found")
    return report


def _require_handler(user: User, report: DishonestyReport) -> None:
    if report.handler_id is None or user.department_id != report.handler_id:
        raise Forbidden("只有承办部门可以办理该举报", code="not_handler")


def _require_status(report: DishonestyReport, *allowed: str) -> None:
    if report.status not in allowed:
        names = "、".join(DishonestyReport.Status(s).label for s in allowed)
        raise Conflict(
            f"举报当前状态为“{report.get_status_display()}”，该操作只适用于：{names}", code="invalid_transition"
        )


def _transition(actor: Actor, report: DishonestyReport, action: str, note: str, before: str) -> DishonestyReport:
    report.save()
    _step(report, actor, action, note)
    record(
        actor=actor,
        action=f"dishonesty_report.{action}",
        object_type="dishonesty_report",
        object_id=report.pk,
        before={"status": before},
        after={"status": report.status, "handler": report.handler.code if report.handler else None},
    )
    return report


@transaction.atomic
def assign(*, actor: Actor, user: User, report_id: int, department_code: str, note: str = "") -> DishonestyReport:
    """The credit office assigns (分办) a report to the responsible department — never to the reported body
    itself — which owes the reporter a reply within `report_handling_working_days`; it may reassign until
    the department has accepted it."""
    if not user.has_role(Role.CREDIT_OFFICE):
        raise Forbidden("分办由信用办负责", code="forbidden_role")
    report = _locked(report_id)
    _require_status(report, *STEP_FROM["assign"])
    department = Department.objects.filter(code=department_code, is_active=True).first()
    if department is None:
        raise InvalidInput(f"部门“{department_code}”不存在或已停用", code="unknown_department")
    if is_reported_body(department, report):
        raise InvalidInput(
            f"“{department.name}”是被举报主体本身，不能承办对自己的举报，请分办给其他部门",
            code="reported_body",
            details=[{"field": "department", "message": "被举报主体本身不能承办对自己的举报"}],
        )
    before = report.status
    report.handler = department
    report.status = DishonestyReport.Status.ASSIGNED
    report.assigned_at = clock.now()
    report.due_on = calendar.add_working_days(clock.today(), parameters.integer("report_handling_working_days"))
    return _transition(actor, report, "assign", note, before)


@transaction.atomic
def reject(*, actor: Actor, user: User, report_id: int, reason: str) -> DishonestyReport:
    """The credit office declines a report at triage (不予受理: not about dishonest conduct, no facts to act
    on, …); the reason is the answer the reporter reads with the query code."""
    if not user.has_role(Role.CREDIT_OFFICE):
        raise Forbidden("不予受理由信用办决定", code="forbidden_role")
    if not (reason or "").strip():
        raise InvalidInput("请填写不予受理的理由", code="reason_required")
    report = _locked(report_id)
    _require_status(report, *STEP_FROM["reject"])
    before = report.status
    report.status = DishonestyReport.Status.REJECTED
    report.reply = reason.strip()
    report.replied_at = clock.now()
    return _transition(actor, report, "reject", report.reply, before)


def read_report(*, actor: Actor, user: User, report_id: int) -> dict:
    """What `user` may read of a report; a read that shows the reporter's identity (the handler's) is
    audited — without the identity itself."""
    report = visible_report(user, report_id)
    body = report_body(report, user)
    if "reporter" in body:
        record(
            actor=actor, action="dishonesty_report.read_reporter", object_type="dishonesty_report", object_id=report.pk
        )
    return body


def open_attachment(*, actor: Actor, user: User, report_id: int, attachment_id: int):
    """(attachment, path of its file) for the handling department only — to anyone else it does not exist;
    every download is audited."""
    report = visible_report(user, report_id)
    if not is_handler(user, report):
        raise NotFound("附件不存在", code="attachment_not_found")
    attachment = report.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound("附件不存在", code="attachment_not_found")
    path = Path(settings.DATA_DIR) / attachment.stored_path
    if not path.is_file():
        raise NotFound("附件文件缺失，请联系信用办", code="attachment_missing")
    record(
        actor=actor,
        action="dishonesty_report.read_attachment",
        object_type="dishonesty_report",
        object_id=report.pk,
        after={"attachment": attachment.pk, "sha256": attachment.sha256},
    )
    return attachment, path


@transaction.atomic
def accept(*, actor: Actor, user: User, report_id: int, note: str = "") -> DishonestyReport:
    report = _locked(report_id)
    _require_handler(user, report)
    _require_status(report, *STEP_FROM["accept"])
    before = report.status
    report.status = DishonestyReport.Status.ACCEPTED
    report.accepted_at = clock.now()
    return _transition(actor, report, "accept", note, before)


@transaction.atomic
def investigate(*, actor: Actor, user: User, report_id: int, note: str) -> DishonestyReport:
    """Record an investigation step (调查核实); may be repeated while the report is open."""
    if not (note or "").strip():
        raise InvalidInput("请填写调查核实情况", code="note_required")
    report = _locked(report_id)
    _require_handler(user, report)
    _require_status(report, *STEP_FROM["investigate"])
    before = report.status
    report.status = DishonestyReport.Status.INVESTIGATING
    return _transition(actor, report, "investigate", note.strip(), before)


@transaction.atomic
def conclude(*, actor: Actor, user: User, report_id: int, substantiated: bool, conclusion: str) -> DishonestyReport:
    if not (conclusion or "").strip():
        raise InvalidInput("请填写调查结论", code="conclusion_required")
    report = _locked(report_id)
    _require_handler(user, report)
    _require_status(report, *STEP_FROM["conclude"])
    before = report.status
    report.status = DishonestyReport.Status.CONCLUDED
    report.substantiated = substantiated
    report.conclusion = conclusion.strip()
    report.concluded_at = clock.now()
    return _transition(actor, report, "conclude", report.conclusion, before)


@transaction.atomic
def reply(*, actor: Actor, user: User, report_id: int, text: str) -> DishonestyReport:
    """The answer the reporter reads with their number and query code."""
    if not (text or "").strip():
        raise InvalidInput("请填写答复内容", code="reply_required")
    report = _locked(report_id)
    _require_handler(user, report)
    _require_status(report, *STEP_FROM["reply"])
    before = report.status
    report.status = DishonestyReport.Status.REPLIED
    report.reply = text.strip()
    report.replied_at = clock.now()
    return _transition(actor, report, "reply", "", before)
