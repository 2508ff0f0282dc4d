"""Credit commitments (信用承诺, R17; 002 §1): 告知承诺 and 容缺受理 on a licensing matter, voluntary and
credit-repair commitments. Every commitment is a public `credit_commitment` record of the subject (fulfilment
履约中 → 已践诺 / 未践诺, as new versions of that record); a broken one is also a `commitment_breach`
record, which the catalog counts as dishonesty."""

import datetime as dt
from collections.abc import Callable

from django.db import transaction

from xinyong.accounts.models import Department, User
from xinyong.accounts.roles import DEPARTMENTS
from xinyong.accounts.selectors import rows_visible_to
from xinyong.accounts.services import get_department
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core import calendar, clock, parameters
from xinyong.core.dates import add_months
from xinyong.core.errors import Forbidden, InvalidInput, NotFound
from xinyong.core.lengths import within
from xinyong.measures.models import BusinessMatter
from xinyong.records.models import Channel
from xinyong.records.services import ingest_record
from xinyong.subjects.models import Subject

from ..models import Commitment, CommitmentKind, CommitmentTemplate, GradeLevel
from . import grading
from .common import (
    SEED_DOCUMENT,
    acting_department,
    assign_number,
    number_of,
    record_fields,
    require_department,
    subject_for,
)

# Told of a broken commitment, as (subject, event=, on=): integrity's R16 notices to a public-sector
# subject's superior and overseers. `integrity` sits above this app and registers from `AppConfig.ready()`.
BREACH_NOTICES: list[Callable[..., object]] = []
COMMITMENT_CATEGORY = "credit_commitment"
BREACH_CATEGORY = "commitment_breach"
FULFILMENT: dict[str, str] = {
    Commitment.Status.PENDING: "履约中",
    Commitment.Status.FULFILLED: "已践诺",
    Commitment.Status.BROKEN: "未践诺",
}
BREACH_KINDS = {"overdue": "逾期未履行", "false": "虚假承诺", "violated": "违背承诺"}
# What a passed deadline means: material not supplied (容缺受理) breaks the commitment; for the others
# the deadline ends the verification period and a commitment nobody found broken has been kept.
BROKEN_AT_DEADLINE = {
    CommitmentKind.TOLERANCE,
    # A government promise not kept by its date is broken (R31): nobody has to find it so.
    CommitmentKind.GOV_POLICY,
    CommitmentKind.GOV_CONTRACT,
    CommitmentKind.GOV_PAYMENT,
}


def get_template(code: str) -> CommitmentTemplate:
    template = CommitmentTemplate.objects.select_related("matter").filter(code=code, is_active=True).first()
    if template is None:
        raise InvalidInput(f"承诺书模板“{code}”不存在或已停用，见 GET /commitment-templates", code="unknown_template")
    return template


def _due_on(kind: str, template: CommitmentTemplate | None, due_on: dt.date | None, today: dt.date) -> dt.date | None:
    if due_on is not None:
        if due_on <= today:
            raise InvalidInput("履约期限应晚于今天", code="invalid_due_on")
        return due_on
    if kind == CommitmentKind.TOLERANCE:
        days = (template.deadline_working_days if template else None) or parameters.integer(
            "tolerance_supply_working_days"
        )
        return calendar.add_working_days(today, days)
    if template and template.period_months:
        return add_months(today, template.period_months)
    return None


def _check_tolerance(subject: Subject, missing_materials: str) -> None:
    """容缺受理 is for applicants in good credit standing (002 §1: 信用状况较好): the grade must allow it."""
    if not missing_materials.strip():
        raise InvalidInput("容缺受理须列明所缺材料", code="missing_materials_required")
    if not grading.graded(subject):
        return
    evaluation = grading.refresh(subject, trigger="tolerance_check")  # fresh: a stale grade must not decide
    level = GradeLevel.objects.filter(code=evaluation.grade).first() if evaluation else None
    if level is not None and not level.allows_tolerance:
        raise InvalidInput(
            f"该主体公共信用综合评价为{level.code}级（{level.name}），不适用容缺受理，请补齐材料后申请",
            code="tolerance_not_allowed",
        )


def _content(commitment: Commitment) -> str:
    what = commitment.item_name or commitment.matter or commitment.get_kind_display()
    parts = [f"【{commitment.get_kind_display()}】{what}：{commitment.text}"]
    if commitment.missing_materials:
        parts.append(f"容缺材料：{commitment.missing_materials}")
    if commitment.due_on:
        parts.append(f"履约期限：{commitment.due_on.isoformat()}")
    return "；".join(parts)


def _ingest(commitment: Commitment, *, actor: Actor, channel: str, remarks: str = "") -> None:
    stored = ingest_record(
        actor=actor,
        provider=commitment.department,
        category_code=COMMITMENT_CATEGORY,
        fields=record_fields(
            commitment.subject,
            number=number_of(commitment),
            on=commitment.made_at.date(),
            content=_content(commitment),
            authority=commitment.department.name,
            valid_until=commitment.due_on,
            fulfilment=FULFILMENT[commitment.status],
            remarks=remarks,
        ),
        channel=channel,
    )
    commitment.record = stored.record


@transaction.atomic
def make_commitment(
    *,
    actor: Actor,
    subject: Subject,
    department: Department,
    kind: str = "",
    template_code: str = "",
    matter: str = "",
    item_name: str = "",
    text: str = "",
    missing_materials: str = "",
    due_on: dt.date | None = None,
    reference: str = "",
    channel: str = Channel.API,
) -> Commitment:
    """Record a commitment and publish it. Callable by other flows (credit repair: kind="repair")."""
    template = get_template(template_code) if template_code else None
    kind = kind or (template.kind if template else "")
    if kind not in CommitmentKind.values:
        raise InvalidInput(f"承诺类型“{kind}”无效，可选：{'、'.join(CommitmentKind.values)}", code="invalid_kind")
    if template and template.kind != kind:
        raise InvalidInput(f"模板“{template.name}”是{template.get_kind_display()}", code="kind_mismatch")
    matter = matter or (template.matter.code if template and template.matter else "")
    if matter and not BusinessMatter.objects.filter(code=matter).exists():
        raise InvalidInput(f"业务事项“{matter}”不存在，见 GET /matters", code="unknown_matter")
    text = (text or (template.text if template else "")).strip()
    if not text:
        raise InvalidInput("须提供承诺内容或选择承诺书模板", code="text_required")
    if kind == CommitmentKind.TOLERANCE:
        _check_tolerance(subject, missing_materials)
    today = clock.today()
    commitment = Commitment.objects.create(
        kind=kind,
        template=template,
        subject=subject,
        department=department,
        matter=matter,
        item_name=(item_name or (template.item_name if template else "")).strip(),
        text=text,
        missing_materials=missing_materials.strip(),
        reference=reference.strip(),
        made_at=clock.now(),
        made_by=actor.name,
        due_on=_due_on(kind, template, due_on, today),
    )
    assign_number(commitment, "XYCN", today)
    _ingest(commitment, actor=actor, channel=channel)
    commitment.save(update_fields=["record"])
    audit(
        actor=actor,
        action="commitment.make",
        object_type="commitment",
        object_id=commitment.number,
        after={
            "subject": subject.public_code,
            "kind": kind,
            "template": template_code or None,
            "department": department.code,
            "due_on": commitment.due_on,
            "record": commitment.record_id,
        },
    )
    return commitment


def _breached_on(commitment: Commitment) -> dt.date:
    """When the conduct happened: the deadline missed, or today for a breach found before it."""
    today = clock.today()
    return min(commitment.due_on, today) if commitment.due_on else today


def _resolve(
    commitment: Commitment, *, status: str, actor: Actor, note: str, channel: str, breach_kind: str = ""
) -> Commitment:
    commitment.status, commitment.resolved_at, commitment.resolved_by = status, clock.now(), actor.name
    commitment.resolution, commitment.breach_kind = within(note, Commitment, "resolution", field="note"), breach_kind
    _ingest(commitment, actor=actor, channel=channel, remarks=note)
    if status == Commitment.Status.BROKEN:
        breach = ingest_record(
            actor=actor,
            provider=commitment.department,
            category_code=BREACH_CATEGORY,
            fields=record_fields(
                commitment.subject,
                number=f"{commitment.number}-WN",
                on=clock.today(),
                content=f"{breach_kind}：{note}。原承诺（{commitment.get_kind_display()}）：{commitment.text}",
                authority=commitment.department.name,
                commitment_number=commitment.number,
                breach_kind=breach_kind,
                remarks=f"依据{SEED_DOCUMENT}（一）：书面承诺履约情况记入申请人信用记录",
            ),
            channel=channel,
        )
        commitment.breach_record = breach.record
        for notify in BREACH_NOTICES:
            notify(commitment.subject, event=f"违背承诺（{commitment.number}）：{note}", on=_breached_on(commitment))
    commitment.save()
    audit(
        actor=actor,
        action=f"commitment.{status}",
        object_type="commitment",
        object_id=commitment.number,
        before={"status": Commitment.Status.PENDING},
        after={"status": status, "note": commitment.resolution, "breach_kind": breach_kind or None},
    )
    grading.refresh(commitment.subject, trigger=f"commitment.{status}", actor=actor)
    return commitment


def _pending(commitment_id: int, user: User) -> Commitment:
    commitment = (
        Commitment.objects.select_related("subject", "department").select_for_update().filter(pk=commitment_id).first()
    )
    if commitment is None:
        raise NotFound("信用承诺不存在", code="commitment_not_found")
    require_department(user, commitment.department_id, "只有受理该承诺的部门可以办理")
    if commitment.status != Commitment.Status.PENDING:
        raise InvalidInput(f"该承诺已办结（{commitment.get_status_display()}）", code="commitment_resolved")
    return commitment


@transaction.atomic
def fulfil(*, actor: Actor, user: User, commitment_id: int, note: str) -> Commitment:
    """The department confirms the commitment kept (material supplied, verification passed)."""
    commitment = _pending(commitment_id, user)
    return _resolve(
        commitment, status=Commitment.Status.FULFILLED, actor=actor, note=note.strip() or "已践诺", channel=Channel.API
    )


@transaction.atomic
def record_breach(
    *, actor: Actor, user: User, commitment_id: int, reason: str, breach_kind: str = "violated"
) -> Commitment:
    """The department finds the commitment broken or false (违背承诺、虚假承诺)."""
    if not reason.strip():
        raise InvalidInput("认定违诺须说明事实", code="reason_required")
    if breach_kind not in BREACH_KINDS:
        raise InvalidInput(f"违诺情形“{breach_kind}”无效，可选：{'、'.join(BREACH_KINDS)}", code="invalid_breach_kind")
    commitment = _pending(commitment_id, user)
    return _resolve(
        commitment,
        status=Commitment.Status.BROKEN,
        actor=actor,
        note=reason.strip(),
        channel=Channel.API,
        breach_kind=BREACH_KINDS[breach_kind],
    )


def close_due(*, today: dt.date) -> dict:
    """Daily: commitments whose deadline has passed. A 容缺受理 whose material was not supplied is broken
    (a dishonesty record follows); the other kinds were kept through their verification period."""
    actor = Actor(name="system", channel="daily")
    due = Commitment.objects.filter(status=Commitment.Status.PENDING, due_on__lt=today).select_related(
        "subject", "department"
    )
    counts = {"broken": 0, "fulfilled": 0}
    for commitment in due.order_by("id"):
        due_on = commitment.due_on
        if due_on is None:
            continue  # the query reads only commitments with a deadline; this tells the type checker
        with transaction.atomic():
            if commitment.kind in BROKEN_AT_DEADLINE:
                _resolve(
                    commitment,
                    status=Commitment.Status.BROKEN,
                    actor=actor,
                    note=f"未在{due_on.isoformat()}前补齐容缺材料（{commitment.missing_materials}）",
                    channel=Channel.SYSTEM,
                    breach_kind=BREACH_KINDS["overdue"],
                )
                counts["broken"] += 1
            else:
                _resolve(
                    commitment,
                    status=Commitment.Status.FULFILLED,
                    actor=actor,
                    note=f"核查期至{due_on.isoformat()}届满，未发现违诺",
                    channel=Channel.SYSTEM,
                )
                counts["fulfilled"] += 1
    return counts


def visible_to(user: User):
    """A subject sees its own; a department those it accepted; the credit office and auditors all."""
    commitments = Commitment.objects.select_related("subject", "department", "template")
    return rows_visible_to(commitments, user, department_field="department_id", subject_field="subject_id")


def accepting_department(user: User, code: str, template_code: str) -> Department:
    """Department staff record commitments for their own department; a subject names the department
    that accepts its application (or the template does)."""
    if user.has_role(*DEPARTMENTS):
        return acting_department(user)
    if not code and template_code:
        code = get_template(template_code).department_code
    if not code:
        raise InvalidInput("请指定受理部门（department）", code="department_required")
    return get_department(code)


def committing_subject(user: User, code: str | None) -> Subject:
    """A subject's own account commits for itself; department staff name the applicant."""
    if user.has_role(*DEPARTMENTS):
        if not code:
            raise InvalidInput("请指定承诺主体（subject）", code="subject_required")
        return subject_for(code)
    own = user.subject
    if own is None:
        raise Forbidden("该账号未绑定信用主体", code="no_subject")
    if code and subject_for(code).pk != own.pk:
        raise Forbidden("只能以本主体名义作出承诺", code="not_own_subject")
    return own
