"""The embedded check loop (R11–R16): check → answer with measures → feedback; list changes pushed
to the departments that must act on them."""

import datetime as dt
import hmac
import random
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from xinyong.accounts.models import Department
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core import calendar, clock, parameters
from xinyong.core.dates import add_months
from xinyong.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from xinyong.core.identifiers import identify
from xinyong.core.pgcopy import copy_line, copy_sql
from xinyong.subjects.selectors import key_for_code

from . import engine
from .directory import SubjectView
from .models import Check, Feedback, Task
from .writer import make_writer

MAX_BATCH = 10_000
# Other slices add measures to an answer without this module knowing them (e.g. supervision: grades,
# industry measures). Each callable gets (subject, matter, today) and returns measure dicts shaped like
# `_measure_answer`'s; they are registered from AppConfig.ready().
ANSWER_EXTENSIONS: list = []
# Conditions a business matter sets beyond measures (e.g. a valid third-party credit report for a
# tender, R32): callables (subject, matter, today) -> [{"code", "name", "met", "message"}]; an answer
# carries a "requirements" list only when a matter has any.
ANSWER_REQUIREMENTS: list = []
# Other slices add notices to a list change (e.g. integrity, R16: a public body's superior and the audit
# office, a public employee's employer and discipline bodies). Each callable gets (entry, action=,
# derived=, due=) and returns unsaved Tasks; they are registered from AppConfig.ready().
ENTRY_NOTICES: list = []
NO_DISHONESTY = "no_dishonesty"  # the list type whose rewards apply to subjects with a clean record


# ---- answering a check -------------------------------------------------------------------------


def _measure_answer(measure: engine.MeasureView, entry: engine.EntryView | None, list_type: str) -> dict:
    via = None
    if entry is not None and entry.via_organisation:
        via = {"organisation": entry.via_organisation, "role": entry.via_role}
    return {
        "code": measure.code,
        "name": measure.name,
        "kind": measure.kind,
        "force": measure.force,
        "type": measure.type,
        "legal_basis": list(measure.legal_basis),
        "implementing_department": measure.implementing_department,
        "incentive_kind": measure.incentive_kind or None,
        "source": {"list_type": list_type, "entry_id": str(entry.entry_id) if entry else None, "via": via},
        "suspended": bool(entry and entry.under_objection),
    }


def _has_recent_dishonesty(subject: SubjectView, today: dt.date) -> bool:
    from xinyong.records.models import Record

    since = add_months(today, -12 * parameters.integer("no_dishonesty_years"))
    return Record.objects.filter(
        subject_id=subject.pk,
        category__counts_as_dishonesty=True,
        decision_date__gte=since,
        is_current=True,
        status__in=(Record.Status.ACTIVE, Record.Status.UNDER_OBJECTION),
    ).exists()


def answer_for(snapshot: engine.Snapshot, subject: SubjectView | None, matter: str, today: dt.date) -> tuple[str, list]:
    """(result, measures) for a subject and business matter, from the snapshot."""
    if subject is None:
        return Check.Result.CLEAR, []
    measures, negative = [], False
    for entry in snapshot.entries_of(subject.pk):
        if not entry.in_force(today):
            continue
        for measure in snapshot.measures_of(entry.list_type):
            if measure.applies_to(matter, person=subject.is_person, derived=entry.via_organisation is not None):
                measures.append(_measure_answer(measure, entry, entry.list_type))
                negative = negative or measure.kind == "punishment"
    for extension in ANSWER_EXTENSIONS:
        extra = extension(subject, matter, today)
        measures.extend(extra)
        negative = negative or any(m["kind"] == "punishment" and not m["suspended"] for m in extra)
    clean_rewards = [
        m for m in snapshot.measures_of(NO_DISHONESTY) if m.applies_to(matter, person=subject.is_person, derived=False)
    ]
    if clean_rewards and not negative and not _has_recent_dishonesty(subject, today):
        measures.extend(_measure_answer(m, None, NO_DISHONESTY) for m in clean_rewards)
    live = [m for m in measures if not m["suspended"]]
    if any(m["kind"] == "punishment" for m in live):
        return Check.Result.RESTRICTED, measures
    if any(m["kind"] == "reward" for m in live):
        return Check.Result.INCENTIVE, measures
    return Check.Result.CLEAR, measures


_CANONICAL = DjangoJSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _payload(answer: dict) -> str:
    """The answer as canonical JSON: what the digest covers, and (parsed by the database) what is stored."""
    return _CANONICAL.encode(answer)


def _digest(payload: str) -> str:
    return hmac.digest(settings.SECRET_KEY.encode(), payload.encode(), "sha256").hex()


def _check_number(now: dt.datetime) -> str:
    # 80 random bits: unique among billions of checks a day without asking the database. From `random`
    # (reseeded in every forked worker), not `secrets`: a number is no credential (reading a check needs
    # the implementer's own token) and the kernel's generator costs up to 80 µs a call on these machines.
    return f"HC{now:%Y%m%d}{random.getrandbits(80):020X}"


def _known_matter(matter: str, snapshot: engine.Snapshot) -> None:
    # The snapshot holds the matters with the catalog (reloaded on every catalog change); one it does not
    # know yet is looked up, so a matter added a moment ago is accepted at once.
    if snapshot.knows_matter(matter):
        return
    from xinyong.measures.models import BusinessMatter

    if not BusinessMatter.objects.filter(code=matter).exists():
        raise InvalidInput(f"业务事项“{matter}”不存在，见 GET /matters", code="unknown_matter")


@dataclass(slots=True)
class _Target:
    code: str
    subject: SubjectView | None
    error: dict | None = None


def _answer(
    target: _Target, *, matter: str, now: dt.datetime, snapshot: engine.Snapshot, stamp: str | None = None
) -> tuple[dict, str, int]:
    """(answer, result, number of measures in force) of one check; `stamp`: `now` as written in the answer
    (a batch formats it once)."""
    result, measures = answer_for(snapshot, target.subject, matter, now.date())
    subject = target.subject
    answer = {
        "check_id": _check_number(now),
        "subject": {
            "code": subject.public_code if subject else target.code,
            "name": subject.name if subject else None,
            "known": subject is not None,
        },
        "matter": matter,
        "checked_at": stamp or timezone.localtime(now).isoformat(),
        "result": result,
        "measures": measures,
    }
    requirements = [r for check in ANSWER_REQUIREMENTS for r in check(subject, matter, now.date())]
    if requirements:
        answer["requirements"] = requirements
    return answer, result, sum(1 for m in measures if not m["suspended"])


def _check_row(answer: dict, result: str, in_force: int, *, target: _Target, checker: tuple[int, str], now):
    """A check as queued for the writer (`_CHECK_ROW` order, without the digest): serialising and signing
    the answer is left to the writer, off the path of the response. `checker`: (department id, who)."""
    return (
        answer["check_id"],
        *checker,
        target.subject.pk if target.subject else None,
        answer["subject"]["code"],
        answer["matter"],
        now,
        result,
        in_force,
        answer,
    )


# The columns of a stored check row, in order (attribute names of Check).
_CHECK_ROW = (
    "number",
    "implementer_id",
    "checked_by",
    "subject_id",
    "subject_code",
    "matter",
    "checked_at",
    "result",
    "measure_count",
    "answer",
    "digest",
)


def _signed(row: tuple) -> tuple:
    """A queued row as stored: the answer as canonical JSON text, then its keyed digest."""
    payload = _payload(row[-1])
    return (*row[:-1], payload, _digest(payload))


@transaction.atomic
def _store_checks(rows: list[tuple]) -> None:
    """Store queued check rows (`_check_row`). On PostgreSQL as one COPY text (bulk_create would send the
    JSON answers through psycopg's client-side quoting, ~50× slower: bench/checks.py)."""
    if connection.vendor != "postgresql":
        checks = []
        for row in rows:
            signed = dict(zip(_CHECK_ROW, _signed(row), strict=True))
            checks.append(Check(**{**signed, "answer": row[-1]}))  # the model holds the answer itself, not its text
        Check.objects.bulk_create(checks, batch_size=2000)
        return
    with connection.cursor() as cursor, cursor.copy(copy_sql(connection, Check, _CHECK_ROW)) as copy:
        copy.write("".join(copy_line(_signed(row)) + "\n" for row in rows))


WRITER = make_writer(_store_checks)


# A code written the way the platform writes an organisation's code, and not shaped like an ID number.
_PLAIN_CODE = re.compile(r"[0-9A-Z]{18}")
_ID_NUMBER_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def _resolve(codes: list[str], snapshot: engine.Snapshot) -> list[_Target]:
    # Fast path (full identification costs ~50 µs a code, most of a batch): a plain code is first looked
    # up as a key as it is. `key_for_code` returns a plain code unchanged or not at all, and organisation
    # keys are only ever made from codes it accepts, so a subject found this way is the one it would find.
    # Every other code (typed differently, ID numbers, invalid, or plain and not found) is identified.
    plain = {code for code in codes if _PLAIN_CODE.fullmatch(code) and not _ID_NUMBER_SHAPE.fullmatch(code)}
    found = snapshot.subjects_by_key(plain)
    keys = [code if code in found else key_for_code(code) for code in codes]
    found.update(snapshot.subjects_by_key({k for k in keys if k and k not in found and k not in plain}))
    targets = []
    for code, key in zip(codes, keys, strict=True):
        if key is None:
            info = identify(code)
            targets.append(_Target(code, None, {"code": "invalid_identifier", "message": info.error}))
        else:
            subject = found.get(key)
            shown = subject.public_code if subject else (code if code in plain else info_code(code))
            targets.append(_Target(shown, subject))
    return targets


def info_code(code: str) -> str:
    """The code as the platform writes it (normalised; a person's number masked)."""
    info = identify(code)
    return info.code if info.type != "resident_id" else f"{info.code[:4]}{'*' * 10}{info.code[-4:]}"


def check(*, actor: Actor, department: Department, subject_code: str, matter: str) -> dict:
    """The answer of one check; its row is stored by `WRITER` (at once, or just behind the answer)."""
    snapshot = engine.SNAPSHOT.current()
    _known_matter(matter, snapshot)
    [target] = _resolve([subject_code], snapshot)
    if target.error:
        raise InvalidInput(f"主体代码无效：{target.error['message']}", code="invalid_identifier")
    now = clock.now()
    answer, result, in_force = _answer(target, matter=matter, now=now, snapshot=snapshot)
    WRITER.submit([_check_row(answer, result, in_force, target=target, checker=(department.pk, actor.name), now=now)])
    return answer


@transaction.atomic
def check_batch(*, actor: Actor, department: Department, subject_codes: list[str], matter: str) -> list[dict]:
    """Up to 10,000 subjects in one call; answers in input order, an invalid code answered in place."""
    if not subject_codes:
        raise InvalidInput("subjects 不能为空", code="empty_batch")
    if len(subject_codes) > MAX_BATCH:
        raise InvalidInput(f"一次最多核查{MAX_BATCH}个主体", code="batch_too_large")
    now, snapshot = clock.now(), engine.SNAPSHOT.current()
    _known_matter(matter, snapshot)
    stamp = timezone.localtime(now).isoformat()
    answers, made, checker = [], [], (department.pk, actor.name)
    for target in _resolve(subject_codes, snapshot):
        if target.error:
            answers.append({"subject": {"code": target.code}, "error": target.error})
            continue
        answer, result, in_force = _answer(target, matter=matter, now=now, snapshot=snapshot, stamp=stamp)
        made.append(_check_row(answer, result, in_force, target=target, checker=checker, now=now))
        answers.append(answer)
    WRITER.submit(made)
    audit(
        actor=actor,
        action="check.batch",
        object_type="check",
        object_id=matter,
        after={"count": len(made), "invalid": len(answers) - len(made)},
    )
    return answers


def get_check(number: str, department: Department | None, *, any_department: bool = False) -> Check:
    WRITER.flush()  # a check answered by this process a moment ago may still wait in its queue
    found = Check.objects.select_related("implementer").filter(number=number).first()
    if found is None:
        raise NotFound("核查记录不存在", code="check_not_found")
    if not any_department and (department is None or found.implementer_id != department.pk):
        raise Forbidden("只能查看本部门的核查记录", code="not_own_check")
    return found


def verify(found: Check) -> bool:
    return hmac.compare_digest(found.digest, _digest(_payload(found.answer)))


# ---- feedback ----------------------------------------------------------------------------------


@transaction.atomic
def give_feedback(
    *, actor: Actor, department: Department, number: str, measure: str, applied: bool, note: str
) -> Feedback:
    found = get_check(number, department)
    answered = {m["code"]: m for m in found.answer["measures"]}
    if measure not in answered:
        raise InvalidInput(
            f"措施“{measure}”不在该次核查结果中；可反馈：{'、'.join(answered) or '无'}", code="measure_not_in_check"
        )
    if not applied and not note.strip():
        raise InvalidInput("未落实的措施须说明理由", code="reason_required")
    if Feedback.objects.filter(check_record=found, measure=measure).exists():
        raise Conflict("该措施已反馈", code="feedback_exists")
    entry_id = answered[measure]["source"]["entry_id"]
    feedback = Feedback.objects.create(
        check_record=found,
        measure=measure,
        applied=applied,
        note=note.strip(),
        department=department,
        entry_id=int(entry_id) if entry_id else None,
        given_by=actor.name,
        given_at=clock.now(),
    )
    if entry_id:
        Task.objects.filter(department=department, entry_id=int(entry_id), status=Task.Status.OPEN).update(
            status=Task.Status.DONE, done_at=feedback.given_at, done_note=f"已反馈核查 {number}"
        )
    audit(
        actor=actor,
        action="check.feedback",
        object_type="check",
        object_id=number,
        after={"measure": measure, "applied": applied, "note": feedback.note},
    )
    return feedback


# ---- push (发起-响应) ----------------------------------------------------------------------------

PUSH_REASONS = {
    "publish": "名单发布，请在审批中落实相应措施",
    "revoke": "名单撤销，请停止相应措施",
    "expire": "惩戒期限届满，请停止相应措施",
    "suspend": "异议处理中，相关措施暂停",
    "resume": "异议未成立，相关措施恢复",
    "objection": "信用主体提出异议，请在期限内核查处理",
    "repair": "信用主体申请信用修复，请在期限内作出决定",
}


def open_decision_task(
    department: Department, *, action: str, due_on: dt.date | None, objection=None, repair=None
) -> Task:
    """A decision the handling department owes a subject (objection, repair), with its deadline."""
    return Task.objects.create(
        department=department,
        action=action,
        reason=PUSH_REASONS[action],
        created_at=clock.now(),
        due_on=due_on,
        objection=objection,
        repair=repair,
    )


def close_decision_tasks(*, note: str, objection=None, repair=None) -> None:
    tasks = Task.objects.filter(status=Task.Status.OPEN)
    tasks = tasks.filter(objection=objection) if objection is not None else tasks.filter(repair=repair)
    tasks.update(status=Task.Status.DONE, done_at=clock.now(), done_note=note[:500])


def _implementing_codes(list_type_code: str) -> set[str]:
    from xinyong.measures.models import Measure

    return set(
        Measure.objects.filter(list_types__code=list_type_code, is_active=True)
        .exclude(implementing_department_code="")
        .values_list("implementing_department_code", flat=True)
    )


def _recent_checkers(subject_ids: list[int], today: dt.date) -> set[int]:
    since = today - dt.timedelta(days=parameters.integer("recent_check_days"))
    return set(
        Check.objects.filter(subject_id__in=subject_ids, checked_at__date__gte=since).values_list(
            "implementer_id", flat=True
        )
    )


def feedback_due(today: dt.date) -> dt.date | None:
    try:
        return calendar.add_working_days(today, parameters.integer("feedback_working_days"))
    except calendar.CalendarMissing:
        return None  # the task stays open without a due date rather than getting a guessed one


def push_entry_change(entry, *, action: str, derived=()) -> list[Task]:
    """Tell every department concerned: implementers of the list type's measures, and departments that
    checked the subject (or its persons) recently, so a change after their check is not missed."""
    today = clock.today()
    subject_ids = [entry.subject_id, *(d.subject_id for d in derived)]
    departments = set(
        Department.objects.filter(code__in=_implementing_codes(entry.list_type.code)).values_list("pk", flat=True)
    )
    departments |= _recent_checkers(subject_ids, today)
    departments.discard(entry.initiator_id)
    now, due = clock.now(), feedback_due(today)
    tasks = [
        Task(department_id=pk, entry=entry, action=action, reason=PUSH_REASONS[action], created_at=now, due_on=due)
        for pk in sorted(departments)
    ]
    if action != "publish":
        # Earlier open tasks about this entry (and the person entries derived from it) are overtaken.
        Task.objects.filter(entry_id__in=[entry.pk, *(d.pk for d in derived)], status=Task.Status.OPEN).update(
            status=Task.Status.DONE, done_at=now, done_note=f"已被后续变更（{action}）取代"
        )
    for notices in ENTRY_NOTICES:
        tasks.extend(notices(entry, action=action, derived=derived, due=due))
    Task.objects.bulk_create(tasks)
    return tasks


@transaction.atomic
def close_task(*, actor: Actor, department: Department, task_id: int, note: str) -> Task:
    task = Task.objects.filter(pk=task_id, department=department).first()
    if task is None:
        raise NotFound("任务不存在", code="task_not_found")
    if task.status == Task.Status.OPEN:
        task.status, task.done_at, task.done_note = Task.Status.DONE, clock.now(), note.strip()[:500]
        task.save(update_fields=["status", "done_at", "done_note"])
        audit(actor=actor, action="task.close", object_type="task", object_id=task.pk, after={"note": task.done_note})
    return task
