"""Putting subjects forward for the watch list (重点关注对象名单, 002 §8, R8): a D grade is offered to the
credit office or listed at once (parameter `grade_watch_auto_list`); an overdue rectification is listed
at once (002 §9). Listing goes through `lists.services.create_entry`, as the list type's initiating
department: a person of that department, or its system user for the daily job."""

from decimal import Decimal

from django.db import transaction

from xinyong.accounts.models import Department, User
from xinyong.accounts.services import create_user, upsert_department
from xinyong.audit.services import SYSTEM, Actor
from xinyong.audit.services import record as audit
from xinyong.audit.services import record_many as audit_many
from xinyong.core import bulk, clock, parameters
from xinyong.core.errors import Forbidden, InvalidInput, NotFound
from xinyong.core.lengths import within
from xinyong.lists.models import ListEntry, ListType
from xinyong.lists.services import EntryInput, create_entry, get_list_type
from xinyong.subjects.models import Subject

from ..models import Evaluation, RectificationOrder, WatchReferral
from .common import SEED_DOCUMENT, acting_department, number_for, number_of, subject_code

WATCH_LIST = "watch_key_attention"
BASIS = f"{SEED_DOCUMENT}（八）建立重点关注对象名单制度、（九）督促失信市场主体限期整改"


def system_user(list_type: ListType) -> User:
    """The initiating department's system user (created once, audited; no password, no token, no role):
    the account daily jobs list subjects under, so `create_entry` sees the right department."""
    code = list_type.initiator_department_code
    username = f"system-{code.lower()}"
    user = User.objects.select_related("department").filter(username=username).first()
    if user is not None:
        return user
    department = Department.objects.filter(code=code).first() or upsert_department(
        actor=SYSTEM, code=code, name=list_type.initiator_name or code
    )
    return create_user(actor=SYSTEM, username=username, department=department, roles=[])


def _on_watch_list(subject: Subject) -> bool:
    return ListEntry.objects.filter(
        subject=subject, list_type__code=WATCH_LIST, status=ListEntry.Status.ACTIVE
    ).exists()


def _create_many(source: str, referrals: list[WatchReferral]) -> list[WatchReferral]:
    """Store referrals of one source, numbered and audited (a daily job may offer thousands at once)."""
    now = clock.now()
    for referral in referrals:
        referral.source, referral.created_at = source, now
    bulk.insert(referrals, derived={"number": lambda r: number_for(r, "XYZG", now.date())})
    subjects = Subject.objects.in_bulk({r.subject_id for r in referrals})
    audit_many(
        actor=SYSTEM,
        events=[
            {
                "action": "watch_referral.create",
                "object_type": "watch_referral",
                "object_id": r.number,
                "after": {"subject": subjects[r.subject_id].public_code, "source": source, "reason": r.reason},
            }
            for r in referrals
        ],
    )
    return referrals


def _cited(referral: WatchReferral) -> tuple[int, ...]:
    """The records the referral rests on: those that lowered the grade, or the rectification's."""
    if referral.order is not None:
        order = referral.order
        return tuple(pk for pk in (order.record_id, order.basis_record_id) if pk)
    if referral.evaluation is not None:
        contributions = referral.evaluation.contributions
        return tuple(c["id"] for c in contributions if c["source"] == "record" and Decimal(c["applied"]) < 0)
    return ()


def list_referral(referral: WatchReferral, *, actor: Actor, user: User, note: str = "") -> WatchReferral:
    entry = create_entry(
        actor=actor,
        user=user,
        data=EntryInput(
            list_type=WATCH_LIST,
            subject=subject_code(referral.subject),
            document_number=number_of(referral),
            basis=BASIS,
            decided_on=clock.today(),
            reason=referral.reason,
            records=_cited(referral),
        ),
    )
    referral.status, referral.entry = WatchReferral.Status.LISTED, entry
    note = within(note.strip(), WatchReferral, "note")
    referral.decided_at, referral.decided_by, referral.note = clock.now(), actor.name, note
    referral.save(update_fields=["status", "entry", "decided_at", "decided_by", "note"])
    audit(
        actor=actor,
        action="watch_referral.list",
        object_type="watch_referral",
        object_id=referral.number,
        after={"entry": entry.pk, "note": referral.note},
    )
    return referral


def _list_as_system(referral: WatchReferral) -> WatchReferral:
    user = system_user(get_list_type(WATCH_LIST))
    actor = Actor(name=user.username, department=acting_department(user).code, channel="system")
    return list_referral(referral, actor=actor, user=user, note="系统按规则自动列入")


def refer_for_grades(evaluations: list[Evaluation]) -> list[WatchReferral]:
    """Offer the subjects of these evaluations, unless already listed or already offered."""
    subject_ids = {e.subject_id for e in evaluations}
    taken = set(
        ListEntry.objects.filter(
            subject_id__in=subject_ids, list_type__code=WATCH_LIST, status=ListEntry.Status.ACTIVE
        ).values_list("subject_id", flat=True)
    )
    taken |= set(
        WatchReferral.objects.filter(subject_id__in=subject_ids, status=WatchReferral.Status.OFFERED).values_list(
            "subject_id", flat=True
        )
    )
    referrals = _create_many(
        WatchReferral.Source.GRADE,
        [
            WatchReferral(
                subject_id=e.subject_id,
                reason=f"公共信用综合评价为{e.grade}级（{e.grade_name}，{e.score}分）：{e.summary}",
                evaluation=e,
            )
            for e in evaluations
            if e.subject_id not in taken
        ],
    )
    if parameters.integer("grade_watch_auto_list"):
        for referral in referrals:
            _list_as_system(referral)
    return referrals


def escalate_order(order: RectificationOrder) -> WatchReferral | None:
    """An overdue rectification: listed at once (the daily job acts as the initiating department)."""
    if _on_watch_list(order.subject):
        return None
    reason = f"逾期未整改：{order.department.name}{order.document_number}责令于{order.deadline}前整改（{order.reason}）"
    [referral] = _create_many(
        WatchReferral.Source.RECTIFICATION, [WatchReferral(subject=order.subject, reason=reason, order=order)]
    )
    return _list_as_system(referral)


def _open(referral_id: int) -> WatchReferral:
    referral = (
        WatchReferral.objects.select_related("subject", "evaluation", "order")
        .select_for_update(of=("self",))
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise NotFound("提请不存在", code="referral_not_found")
    if referral.status != WatchReferral.Status.OFFERED:
        raise InvalidInput(f"该提请已处理（{referral.get_status_display()}）", code="referral_decided")
    return referral


@transaction.atomic
def accept(*, actor: Actor, user: User, referral_id: int, note: str = "") -> WatchReferral:
    """The credit office lists the subject (create_entry checks it is the initiating department)."""
    return list_referral(_open(referral_id), actor=actor, user=user, note=note)


@transaction.atomic
def dismiss(*, actor: Actor, user: User, referral_id: int, reason: str) -> WatchReferral:
    if not reason.strip():
        raise InvalidInput("不予列入须说明理由", code="reason_required")
    referral = _open(referral_id)
    list_type = get_list_type(WATCH_LIST)
    if user.department is None or user.department.code != list_type.initiator_department_code:
        raise Forbidden(
            f"只有{list_type.initiator_name or list_type.initiator_department_code}可以决定", code="not_list_initiator"
        )
    referral.status, referral.decided_at, referral.decided_by = WatchReferral.Status.DISMISSED, clock.now(), actor.name
    referral.note = within(reason.strip(), WatchReferral, "note", field="reason")
    referral.save(update_fields=["status", "decided_at", "decided_by", "note"])
    audit(
        actor=actor,
        action="watch_referral.dismiss",
        object_type="watch_referral",
        object_id=referral.number,
        after={"reason": referral.note},
    )
    return referral
