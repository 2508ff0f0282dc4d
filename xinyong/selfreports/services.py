"""Self-reported information (R5): submit with an authenticity commitment, verify or reject."""

from django.db import transaction

from xinyong.accounts.models import Role, User
from xinyong.accounts.selectors import rows_visible_to
from xinyong.accounts.services import get_department
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core import clock, crypto
from xinyong.core.errors import Forbidden, InvalidInput, NotFound
from xinyong.records.models import Channel
from xinyong.records.services import ingest_record

from .models import SelfReport

COMMITMENT_TEXT = "本主体承诺所填报信息真实、准确、完整，如有虚假，愿承担相应法律责任并接受失信惩戒。"
CATEGORY = "self_reported"


@transaction.atomic
def submit(
    *,
    actor: Actor,
    user: User,
    kind: str,
    title: str,
    content: str,
    evidence: str,
    verifier_code: str,
    commitment: bool,
) -> SelfReport:
    if user.subject_id is None:
        raise Forbidden("该账号未绑定信用主体，不能自主填报", code="no_subject")
    if not commitment:
        raise InvalidInput(f"自主填报须作出真实性承诺：{COMMITMENT_TEXT}", code="commitment_required")
    if kind not in SelfReport.Kind.values:
        raise InvalidInput(f"类型“{kind}”无效，可选：{'、'.join(SelfReport.Kind.values)}", code="invalid_kind")
    report = SelfReport.objects.create(
        subject_id=user.subject_id,
        submitted_by=actor.name,
        kind=kind,
        title=title.strip(),
        content=content.strip(),
        evidence=evidence.strip(),
        commitment=COMMITMENT_TEXT,
        verifier=get_department(verifier_code),
        submitted_at=clock.now(),
    )
    audit(
        actor=actor,
        action="selfreport.submit",
        object_type="selfreport",
        object_id=report.pk,
        after={"kind": kind, "title": report.title, "verifier": verifier_code},
    )
    return report


def _reviewable(report_id: int, user: User) -> SelfReport:
    report = SelfReport.objects.select_related("subject", "verifier").select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound("自主填报信息不存在", code="selfreport_not_found")
    if report.verifier_id != user.department_id and not user.has_role(Role.CREDIT_OFFICE):
        raise Forbidden("只有指定的核实部门可以处理该填报", code="not_verifier")
    if report.status != SelfReport.Status.PENDING:
        raise InvalidInput(f"该填报已处理（{report.get_status_display()}）", code="already_reviewed")
    return report


def _subject_code(report: SelfReport) -> str:
    subject = report.subject
    return crypto.decrypt(subject.id_encrypted) if subject.is_person else subject.uscc


@transaction.atomic
def verify(*, actor: Actor, user: User, report_id: int, note: str = "") -> SelfReport:
    """Verified information becomes a `self_reported` record of the subject, provided by the verifier."""
    report = _reviewable(report_id, user)
    now = clock.now()
    fields = {
        "subject_name": report.subject.name,
        "subject_code": _subject_code(report),
        "decision_number": f"ZZTB-{report.pk}",
        "decision_date": clock.today().isoformat(),
        "content": f"【{report.get_kind_display()}】{report.title}：{report.content}",
        "authority": report.verifier.name,
    }
    stored = ingest_record(
        actor=actor, provider=report.verifier, category_code=CATEGORY, fields=fields, channel=Channel.SELF_REPORT
    )
    report.status, report.record = SelfReport.Status.VERIFIED, stored.record
    report.reviewed_by, report.reviewed_at, report.review_reason = actor.name, now, note.strip()
    report.save()
    audit(
        actor=actor,
        action="selfreport.verify",
        object_type="selfreport",
        object_id=report.pk,
        after={"record": stored.record.pk},
    )
    return report


@transaction.atomic
def reject(*, actor: Actor, user: User, report_id: int, reason: str) -> SelfReport:
    if not reason.strip():
        raise InvalidInput("退回须说明理由", code="reason_required")
    report = _reviewable(report_id, user)
    report.status = SelfReport.Status.REJECTED
    report.reviewed_by, report.reviewed_at, report.review_reason = actor.name, clock.now(), reason.strip()
    report.save()
    audit(
        actor=actor,
        action="selfreport.reject",
        object_type="selfreport",
        object_id=report.pk,
        after={"reason": report.review_reason},
    )
    return report


def visible_to(user: User):
    """A subject sees its own reports; a department those it must verify; the credit office all."""
    reports = SelfReport.objects.select_related("subject", "verifier")
    return rows_visible_to(
        reports, user, department_field="verifier_id", subject_field="subject_id", overseers=(Role.CREDIT_OFFICE,)
    )
