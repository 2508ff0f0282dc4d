"""Public bodies, state enterprises and public employees (R16, 002 §14): who they are, and who is told
when they are found dishonest.

"机关事业单位、国有企业出现违法失信行为的，要通报上级主管单位和审计部门；工作人员出现违法失信行为的，要通报
所在单位及相关纪检监察、组织人事部门，作为任职考核、职务晋升、评先评优的重要参考依据。"

Who belongs to the public sector is registered (`PublicAffiliation`, audited, by the responsible department
or the credit office); who is told is data (`NoticeRecipient`, edited by the credit office in the admin).
Notices are tasks in the recipients' `GET /tasks`. A recipient the platform does not know (a department
code without a department, a body without a registered superior) does not stop the listing that caused the
notice: the credit office gets a task naming what could not be delivered, because the notice is mandatory
and someone has to deliver it (register the department, or send it on paper).
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet

from xinyong.accounts.models import Department, Role, User
from xinyong.accounts.selectors import rows_visible_to
from xinyong.accounts.services import get_department
from xinyong.audit.services import SYSTEM, Actor
from xinyong.audit.services import record as audit
from xinyong.core import clock
from xinyong.core.dates import period_covers
from xinyong.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from xinyong.core.identifiers import identify
from xinyong.lists.models import ListType
from xinyong.notices.models import Task
from xinyong.notices.services import feedback_due, send
from xinyong.subjects.models import Relation, Subject
from xinyong.subjects.selectors import get_by_code
from xinyong.subjects.services import register_subject

from .models import NoticeRecipient, PublicAffiliation

log = logging.getLogger(__name__)
Kind = PublicAffiliation.Kind
Recipient = NoticeRecipient.Recipient
ORGANISATION_KINDS = (Kind.PUBLIC_BODY, Kind.STATE_ENTERPRISE)
# Task actions of the notices (one per kind of recipient) and of a notice that could not be delivered.
NOTICE_ACTIONS = {recipient: f"{recipient}_notice" for recipient in Recipient.values}
UNDELIVERABLE = "notice_undeliverable"
# When a notified listing ends, its notices are followed by one saying so.
LIFTED = "notice_lifted"
_ENDINGS = {"revoke": "已撤销", "expire": "期限届满"}
_LIFTED_TAIL = "，此前的失信通报不再作为任职考核、评先评优等的参考依据"
# How a notice names the subject to each kind of recipient: 所属国有企业…, 本单位公职人员…, 公职人员….
_PREFIX = {Recipient.SUPERIOR: "所属", Recipient.EMPLOYER: "本单位", Recipient.DEPARTMENT: ""}
REASON_LENGTH = Task._meta.get_field("reason").max_length


# ---- registration ---------------------------------------------------------------------------------


def _overlapping(affiliation: PublicAffiliation) -> QuerySet:
    """Registrations of the same organisation whose period meets this one's."""
    rows = PublicAffiliation.objects.filter(subject=affiliation.subject, kind__in=ORGANISATION_KINDS)
    if affiliation.pk:
        rows = rows.exclude(pk=affiliation.pk)
    if affiliation.valid_to:
        rows = rows.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=affiliation.valid_to))
    if affiliation.valid_from:
        rows = rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=affiliation.valid_from))
    return rows


def validate_affiliation(affiliation: PublicAffiliation) -> None:
    if affiliation.kind not in Kind.values:
        raise InvalidInput(f"类型可选：{'、'.join(Kind.values)}", code="invalid_kind")
    person = affiliation.subject.is_person
    if person != (affiliation.kind == Kind.PUBLIC_EMPLOYEE):
        raise InvalidInput("公职人员须为自然人，机关事业单位和国有企业须为组织", code="kind_subject_mismatch")
    if person and affiliation.department is None:
        raise InvalidInput("公职人员须登记所在单位（部门编码）", code="employer_required")
    if affiliation.valid_from and affiliation.valid_to and affiliation.valid_to < affiliation.valid_from:
        raise InvalidInput("截止日期早于起始日期", code="invalid_period")
    if not person:
        earlier = _overlapping(affiliation).first()
        if earlier is not None:
            raise Conflict(
                "该单位在此期间已有登记，请先为原登记设置截止日期",
                code="affiliation_overlaps",
                details=[{"id": earlier.pk}],
            )


def _may_register(user: User, department: Department | None) -> None:
    # 谁主管、谁登记: a department registers the bodies it supervises and its own staff; the credit office any.
    if user.has_role(Role.CREDIT_OFFICE):
        return
    if department is None or department.pk != user.department_id:
        raise Forbidden("只能登记由本部门负责的单位或本单位的工作人员；其他登记请联系信用办", code="not_own_department")


def snapshot(affiliation: PublicAffiliation) -> dict:
    """What the audit trail keeps: codes only, a person's ID number masked."""
    return {
        "subject": affiliation.subject.public_code,
        "kind": affiliation.kind,
        "department": affiliation.department.code if affiliation.department_id else None,
        "valid_from": affiliation.valid_from,
        "valid_to": affiliation.valid_to,
    }


def check_affiliation(user: User, affiliation: PublicAffiliation) -> PublicAffiliation | None:
    """May `user` store this registration, and is it valid? Returns the stored row it changes (None for a
    new one); raises Forbidden, InvalidInput or Conflict. Used by the service and by the admin form."""
    stored = PublicAffiliation.objects.select_related("subject", "department").filter(pk=affiliation.pk).first()
    if stored is not None:
        _may_register(user, stored.department)
    _may_register(user, affiliation.department)
    validate_affiliation(affiliation)
    return stored


@transaction.atomic
def save_affiliation(*, actor: Actor, user: User, affiliation: PublicAffiliation) -> PublicAffiliation:
    """Store a new or changed registration (API or admin), audited with before and after."""
    stored = check_affiliation(user, affiliation)
    affiliation.registered_by, affiliation.registered_at = actor.name, clock.now()
    affiliation.save()
    audit(
        actor=actor,
        action="public_affiliation.save",
        object_type="public_affiliation",
        object_id=affiliation.pk,
        before=snapshot(stored) if stored else None,
        after=snapshot(affiliation),
    )
    return affiliation


@transaction.atomic
def delete_affiliation(*, actor: Actor, user: User, affiliation: PublicAffiliation) -> None:
    """A registration made in error (an ended one gets its `valid_to` instead, so past conduct still counts)."""
    _may_register(user, affiliation.department)
    before, pk = snapshot(affiliation), affiliation.pk
    affiliation.delete()
    audit(
        actor=actor, action="public_affiliation.delete", object_type="public_affiliation", object_id=pk, before=before
    )


def _subject(actor: Actor, code: str, name: str) -> Subject:
    """The subject of a registration; a person or organisation not yet known is registered as a subject
    first (its ID number kept only encrypted and as a keyed hash, like every person's)."""
    try:
        return get_by_code(code)
    except NotFound:
        if not name.strip():
            raise NotFound("未找到该信用主体；首次登记请同时提供名称（姓名）", code="subject_not_found") from None
    kind = Subject.Kind.NATURAL_PERSON if identify(code).type == "resident_id" else Subject.Kind.LEGAL_PERSON
    return register_subject(actor=actor, code=code, name=name, kind=kind)[0]


def _department(code: str | None) -> Department | None:
    if not code:
        return None
    department = get_department(code.strip())
    if not department.is_active:
        raise InvalidInput(f"部门“{code}”已停用", code="department_inactive")
    return department


@transaction.atomic
def register_affiliation(
    *,
    actor: Actor,
    user: User,
    subject_code: str,
    name: str = "",
    kind: str,
    department_code: str | None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> tuple[PublicAffiliation, bool]:
    """Register (or re-send) that a subject is a public body, state enterprise or public employee. The
    same subject, kind, department and start again updates the end date (ending an employment) instead of
    adding a row. Returns (registration, created)."""
    department = _department(department_code)
    _may_register(user, department)
    subject = _subject(actor, subject_code, name)
    found = PublicAffiliation.objects.filter(subject=subject, kind=kind, department=department, valid_from=valid_from)
    affiliation = found.first()
    if affiliation is not None and affiliation.valid_to == valid_to:
        return affiliation, False
    created = affiliation is None
    if created:
        affiliation = PublicAffiliation(subject=subject, kind=kind, department=department, valid_from=valid_from)
    affiliation.valid_to = valid_to
    return save_affiliation(actor=actor, user=user, affiliation=affiliation), created


def affiliations_visible_to(user: User, *, subject_code: str = "", kind: str = "") -> QuerySet:
    """The credit office and auditors see every registration, a department the ones it is responsible for."""
    rows = PublicAffiliation.objects.select_related("subject", "department").order_by("id")
    if subject_code:
        rows = rows.filter(subject=get_by_code(subject_code))
    if kind:
        rows = rows.filter(kind=kind)
    return rows_visible_to(rows, user, department_field="department_id")


# ---- notices --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """What a subject was in the public sector on a day, and the department answering for it (superior,
    supervising department or employer; None when not registered)."""

    kind: str
    department: Department | None


def links_of(subject: Subject, on: dt.date) -> list[Link]:
    """The subject's registrations in force on `on`; without any, a department that is itself the subject
    (by unified code) is a public body under the department's parent."""
    rows = PublicAffiliation.objects.filter(period_covers(on), subject=subject).select_related("department")
    links = [Link(row.kind, row.department) for row in rows]
    if not links and subject.uscc:
        body = Department.objects.filter(unified_code=subject.uscc).select_related("parent").first()
        if body is not None:
            links.append(Link(Kind.PUBLIC_BODY, body.parent))
    return links


def _fit(who: str, event: str, tail: str) -> str:
    """`who + event + tail` within a task reason's length, shortening the event (e.g. a long note)."""
    room = REASON_LENGTH - len(who) - len(tail)
    if len(event) > room:
        event = event[: max(room - 1, 0)] + "…"
    return f"{who}{event}{tail}"[:REASON_LENGTH]


def _describe(subject: Subject, kind: str, recipient: str, link: Link) -> str:
    """名义: 所属国有企业某某公司（代码）, 本单位公职人员张三（3604**********0012）, 公职人员…（所在单位：…）."""
    where = ""
    if kind == Kind.PUBLIC_EMPLOYEE and recipient != Recipient.EMPLOYER and link.department is not None:
        where = f"；所在单位：{link.department.name}"
    return f"{_PREFIX[recipient]}{Kind(kind).label}{subject.name}（{subject.public_code}{where}）"


def _missing(rule: NoticeRecipient, department: Department | None) -> str:
    if department is not None:
        return f"{department.name}（已停用）"
    if rule.recipient == Recipient.DEPARTMENT:
        return f"部门{rule.department_code}（本平台无此部门）"
    return "上级主管单位／监管部门（未登记）"


def _credit_offices() -> list[Department]:
    return list(
        Department.objects.filter(
            is_active=True, users__is_active=True, users__roles__code=Role.CREDIT_OFFICE
        ).distinct()
    )


def notices_for(subject: Subject, *, on: dt.date, event: str, entry=None, due: dt.date | None = None) -> list[Task]:
    """The notice tasks (not yet stored) for a public-sector subject's dishonesty on `on`: one per
    department the rules name, at most one per department and entry; nothing for anyone else."""
    links = links_of(subject, on)
    if not links:
        return []
    rules: dict[str, list[NoticeRecipient]] = {}
    for rule in NoticeRecipient.objects.filter(is_active=True):
        rules.setdefault(rule.kind, []).append(rule)
    codes = {r.department_code for rs in rules.values() for r in rs if r.recipient == Recipient.DEPARTMENT}
    fixed = {d.code: d for d in Department.objects.filter(code__in=codes)}
    # Publishing again (e.g. a federation message received twice) adds nothing.
    sent = set()
    if entry is not None:
        sent = set(
            Task.objects.filter(entry=entry, action__in=[*NOTICE_ACTIONS.values(), UNDELIVERABLE]).values_list(
                "action", "department_id"
            )
        )
    told = {department for action, department in sent if action != UNDELIVERABLE}
    now, tasks, missing = clock.now(), [], {}
    for link in links:
        for rule in rules.get(link.kind, []):
            department = fixed.get(rule.department_code) if rule.recipient == Recipient.DEPARTMENT else link.department
            if department is None or not department.is_active:
                missing[_missing(rule, department)] = None
                continue
            if department.pk in told:
                continue
            told.add(department.pk)
            who = _describe(subject, link.kind, rule.recipient, link)
            tasks.append(
                Task(
                    department=department,
                    entry=entry,
                    action=NOTICE_ACTIONS[rule.recipient],
                    reason=_fit(who, event, f"，{rule.purpose}"),
                    created_at=now,
                    due_on=due,
                )
            )
    if missing and not any(action == UNDELIVERABLE for action, _ in sent):
        tasks.extend(_undeliverable(subject, links[0].kind, event, list(missing), entry=entry, due=due))
    audit(
        actor=SYSTEM,
        action="public_sector.notice",
        object_type="subject",
        object_id=subject.pk,
        after={
            "subject": subject.public_code,
            "entry": entry.pk if entry is not None else None,
            "notified": sorted(t.department.code for t in tasks if t.action != UNDELIVERABLE),
            "undeliverable": list(missing),
        },
    )
    return tasks


def _undeliverable(subject: Subject, kind: str, event: str, missing: list[str], *, entry, due) -> list[Task]:
    """The credit office is told what could not be delivered, so the mandatory notice is not silently lost."""
    offices = _credit_offices()
    log.warning("R16 notice for subject %s not delivered to: %s", subject.pk, "、".join(missing))
    who = f"{Kind(kind).label}{subject.name}（{subject.public_code}）"
    tail = f"，以下通报对象无法送达：{'、'.join(missing)}；请补登或启用部门，或线下通报"
    now = clock.now()
    return [
        Task(
            department=office,
            entry=entry,
            action=UNDELIVERABLE,
            reason=_fit(who, event, tail),
            created_at=now,
            due_on=due,
        )
        for office in offices
    ]


def entry_notices(entry, *, action: str, derived, due: dt.date | None) -> list[Task]:
    """`notices.services.ENTRY_NOTICES`: a black-list (serious dishonesty) entry published on a public body,
    state enterprise or public employee — directly, or derived for the person through an organisation's
    entry (落实到人) — notifies whom the rules name, as the subject stood when the conduct happened."""
    if entry.list_type.kind != ListType.Kind.BLACK:
        return []
    if action in _ENDINGS:
        return lifted_notices(entry, derived, ended=_ENDINGS[action], due=due)
    if action != "publish":
        return []
    on = entry.conduct_on or entry.decided_on
    listed = f"被列入{entry.list_type.name}"
    tasks = notices_for(entry.subject, on=on, event=listed, entry=entry, due=due)
    for person_entry in derived:
        role = dict(Relation.Role.choices).get(person_entry.via_role)
        via = f"作为{entry.subject.name}的{role}" if role else f"随{entry.subject.name}"
        tasks += notices_for(person_entry.subject, on=on, event=via + listed, entry=person_entry, due=due)
    return tasks


def lifted_notices(entry, derived, *, ended: str, due: dt.date | None) -> list[Task]:
    """Whoever was told of a listing is told when it ends (revoked, or its period over), so a superior or an
    employer does not go on weighing a dishonesty that no longer stands."""
    entries = [entry, *derived]
    told = Task.objects.filter(entry__in=entries, action__in=NOTICE_ACTIONS.values()).select_related("entry__subject")
    lifted = set(Task.objects.filter(entry__in=entries, action=LIFTED).values_list("department_id", "entry_id"))
    now, tasks = clock.now(), []
    for notice in told.order_by("id"):
        if (notice.department_id, notice.entry_id) in lifted:
            continue
        lifted.add((notice.department_id, notice.entry_id))
        subject = notice.entry.subject
        tasks.append(
            Task(
                department_id=notice.department_id,
                entry_id=notice.entry_id,
                action=LIFTED,
                reason=_fit(
                    f"{subject.name}（{subject.public_code}）", f"的{entry.list_type.name}名单{ended}", _LIFTED_TAIL
                ),
                created_at=now,
                due_on=due,
            )
        )
    return tasks


def notify(subject: Subject, *, event: str, on: dt.date) -> list[Task]:
    """Other dishonesty of a public-sector subject (a broken commitment, R17, R31): store the notices."""
    return send(notices_for(subject, on=on, event=event, due=feedback_due(clock.today())))
