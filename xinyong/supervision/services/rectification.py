"""Rectification by a deadline and interviews (限期整改、约谈, R19; 002 §9). The identifying department
orders the subject to rectify and, "who identifies, interviews" (谁认定、谁约谈), holds prompt or warning
interviews. Orders and interviews are records of the subject (`rectification`, `interview`); an order
still open after its deadline escalates to the watch list."""

import datetime as dt

from django.db import transaction

from xinyong.accounts.models import User
from xinyong.accounts.selectors import rows_visible_to
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core import calendar, clock, parameters
from xinyong.core.errors import InvalidInput, NotFound
from xinyong.records.models import Channel, Record
from xinyong.records.services import ingest_record
from xinyong.subjects.models import Subject

from ..models import Interview, RectificationOrder
from . import grading, watch
from .common import SEED_DOCUMENT, acting_department, assign_number, record_fields, require_department


def _deadline(deadline: dt.date | None, working_days: int | None, today: dt.date) -> dt.date:
    if deadline is None and working_days is None:
        working_days = parameters.integer("rectification_working_days")
    if deadline is None:
        if working_days is None or working_days < 1:
            raise InvalidInput("整改期限应至少1个工作日", code="invalid_deadline")
        deadline = calendar.add_working_days(today, working_days)
    if deadline <= today:
        raise InvalidInput("整改期限应晚于今天", code="invalid_deadline")
    return deadline


def _order_record(order: RectificationOrder, *, actor: Actor, channel: str, remarks: str = "") -> None:
    stored = ingest_record(
        actor=actor,
        provider=order.department,
        category_code="rectification",
        fields=record_fields(
            order.subject,
            number=order.document_number,
            on=order.ordered_on,
            content=f"{order.reason}。整改要求：{order.requirements}",
            authority=order.department.name,
            deadline=order.deadline,
            remarks=remarks,
        ),
        channel=channel,
    )
    order.record = stored.record


@transaction.atomic
def order_rectification(
    *,
    actor: Actor,
    user: User,
    subject: Subject,
    document_number: str,
    reason: str,
    requirements: str,
    deadline: dt.date | None = None,
    working_days: int | None = None,
    basis_record_id: int | None = None,
) -> RectificationOrder:
    department = acting_department(user)
    problems = [
        f
        for f, v in (("document_number", document_number), ("reason", reason), ("requirements", requirements))
        if not v.strip()
    ]
    if problems:
        raise InvalidInput(f"缺少：{'、'.join(problems)}", code="invalid_order")
    basis = None
    if basis_record_id is not None:
        basis = Record.objects.filter(pk=basis_record_id, subject=subject).first()
        if basis is None:
            raise InvalidInput("依据信息不存在或不属于该主体", code="invalid_record")
    today = clock.today()
    order = RectificationOrder.objects.create(
        subject=subject,
        department=department,
        document_number=document_number.strip(),
        reason=reason.strip(),
        requirements=requirements.strip(),
        basis_record=basis,
        ordered_on=today,
        deadline=_deadline(deadline, working_days, today),
        created_by=actor.name,
        created_at=clock.now(),
    )
    assign_number(order, "XYZZ", today)
    _order_record(order, actor=actor, channel=Channel.API, remarks="整改中")
    order.save(update_fields=["record"])
    audit(
        actor=actor,
        action="rectification.order",
        object_type="rectification",
        object_id=order.number,
        after={"subject": subject.public_code, "deadline": order.deadline, "record": order.record_id},
    )
    grading.refresh(subject, trigger="rectification.order", actor=actor)
    return order


def get_order(order_id: int, *, lock: bool = False) -> RectificationOrder:
    orders = RectificationOrder.objects.select_related("subject", "department")
    if lock:
        orders = orders.select_for_update()
    order = orders.filter(pk=order_id).first()
    if order is None:
        raise NotFound("整改通知不存在", code="rectification_not_found")
    return order


@transaction.atomic
def complete(
    *, actor: Actor, user: User, order_id: int, note: str, rectified_on: dt.date | None = None
) -> RectificationOrder:
    """The department verifies the rectification done; the record gets a new version saying so."""
    order = get_order(order_id, lock=True)
    require_department(user, order.department_id, "只有责令整改的部门可以确认整改结果")
    if order.status != RectificationOrder.Status.OPEN:
        raise InvalidInput(f"该整改已办结（{order.get_status_display()}）", code="rectification_closed")
    if not note.strip():
        raise InvalidInput("请说明整改情况", code="note_required")
    order.status, order.rectified_on = RectificationOrder.Status.RECTIFIED, rectified_on or clock.today()
    order.completion_note = note.strip()
    on_time = "按期" if order.rectified_on <= order.deadline else "逾期"
    _order_record(
        order,
        actor=actor,
        channel=Channel.API,
        remarks=f"已于{order.rectified_on}{on_time}完成整改：{order.completion_note}",
    )
    order.save()
    audit(
        actor=actor,
        action="rectification.complete",
        object_type="rectification",
        object_id=order.number,
        after={"rectified_on": order.rectified_on, "note": order.completion_note},
    )
    grading.refresh(order.subject, trigger="rectification.complete", actor=actor)
    return order


@transaction.atomic
def hold_interview(
    *,
    actor: Actor,
    user: User,
    subject: Subject,
    kind: str,
    content: str,
    held_on: dt.date | None = None,
    interviewees: str = "",
    order_id: int | None = None,
) -> Interview:
    if kind not in Interview.Kind.values:
        raise InvalidInput(f"约谈类型“{kind}”无效，可选：{'、'.join(Interview.Kind.values)}", code="invalid_kind")
    if not content.strip():
        raise InvalidInput("请填写约谈内容及要求", code="content_required")
    department = acting_department(user)
    order = None
    if order_id is not None:
        order = get_order(order_id)
        if order.subject_id != subject.pk:
            raise InvalidInput("整改通知不属于该主体", code="invalid_order")
        # 谁认定、谁约谈: the department that ordered the rectification holds the interview.
        require_department(user, order.department_id, "谁认定、谁约谈：只有责令整改的部门可以就此约谈")
    today = clock.today()
    held_on = held_on or today
    if held_on > today:
        raise InvalidInput("约谈日期不能晚于今天（约谈后录入记录）", code="invalid_date")
    interview = Interview.objects.create(
        subject=subject,
        department=department,
        kind=kind,
        order=order,
        held_on=held_on,
        interviewees=interviewees.strip(),
        content=content.strip(),
        created_by=actor.name,
        created_at=clock.now(),
    )
    number = assign_number(interview, "XYYT", today)
    stored = ingest_record(
        actor=actor,
        provider=department,
        category_code="interview",
        fields=record_fields(
            subject,
            number=number,
            on=held_on,
            content=f"【{interview.get_kind_display()}】{interview.content}"
            + (f"（被约谈人：{interview.interviewees}）" if interview.interviewees else ""),
            authority=department.name,
            remarks=f"关联整改通知 {order.document_number}" if order else f"依据{SEED_DOCUMENT}（九）",
        ),
        channel=Channel.API,
    )
    interview.record = stored.record
    interview.save(update_fields=["record"])
    audit(
        actor=actor,
        action="interview.record",
        object_type="interview",
        object_id=interview.number,
        after={"subject": subject.public_code, "kind": kind, "order": order.number if order else None},
    )
    grading.refresh(subject, trigger="interview", actor=actor)
    return interview


def escalate_overdue(*, today: dt.date) -> dict:
    """Daily: orders still open after deadline + grace escalate to the watch list (002 §8–9)."""
    grace = parameters.integer("rectification_grace_days")
    overdue = RectificationOrder.objects.filter(
        status=RectificationOrder.Status.OPEN, deadline__lt=today - dt.timedelta(days=grace)
    ).select_related("subject", "department")
    escalated = listed = 0
    actor = Actor(name="system", channel="daily")
    for order in overdue.order_by("id"):
        with transaction.atomic():
            referral = watch.escalate_order(order)
            order.status, order.escalated_at = RectificationOrder.Status.ESCALATED, clock.now()
            order.save(update_fields=["status", "escalated_at"])
            audit(
                actor=actor,
                action="rectification.escalate",
                object_type="rectification",
                object_id=order.number,
                after={
                    "referral": referral.number if referral else None,
                    "entry": referral.entry_id if referral else None,
                },
            )
            escalated += 1
            listed += int(bool(referral and referral.entry_id))
    return {"escalated": escalated, "listed": listed}


def visible(queryset, user: User):
    return rows_visible_to(queryset, user, department_field="department_id")
