"""Reads of checks: a stored check and its proof (R12), who hears of a list change (R11), and loop closure
(R11, R28): what was pushed, what was fed back, what is overdue."""

import datetime as dt
from typing import NamedTuple

import orjson
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from xinyong.accounts.models import Department
from xinyong.core import calendar, parameters
from xinyong.notices.selectors import entry_counts, period_counts

from .models import Check, CheckBatch, Feedback
from .signing import BATCH_ITEM, digest, genuine, payload


def find_check(number: str) -> Check | None:
    """A check by its number as stored; an answer of a batch comes as an unsaved `Check` until it gets
    feedback. What this process still queues is not there yet: `services.storage.get_check` writes it first."""
    return Check.objects.select_related("implementer").filter(number=number).first() or _batch_check(number)


def _batch_check(number: str) -> Check | None:
    match = BATCH_ITEM.fullmatch(number)
    if match is None:
        return None
    batch = CheckBatch.objects.select_related("implementer").filter(number=match["batch"]).first()
    if batch is None:
        return None
    answers, position = orjson.loads(batch.answers_json()), int(match["position"])
    if position >= len(answers) or "error" in answers[position]:
        return None  # past the end, or a code that was invalid and got no check number
    answer = answers[position]
    return Check(
        number=number,
        implementer=batch.implementer,
        checked_by=batch.checked_by,
        subject_id=batch.subject_ids[position] or None,
        subject_code=answer["subject"]["code"],
        matter=batch.matter,
        checked_at=batch.checked_at,
        result=answer["result"],
        measure_count=sum(1 for m in answer["measures"] if not m["suspended"]),
        answer=answer,
        digest=digest(payload(answer)),
        batch=batch,
    )


def verify(found: Check) -> bool:
    """Is this what the platform answered? A batch answer: the batch document is intact and answer n of
    it is this answer."""
    if not genuine(payload(found.answer), found.digest):
        return False
    batch = found.batch
    if batch is None:
        return True
    if not genuine(bytes(batch.document), batch.digest):
        return False
    match = BATCH_ITEM.fullmatch(found.number)
    return match is not None and orjson.loads(batch.answers_json())[int(match["position"])] == found.answer


# ---- push (发起-响应) ----------------------------------------------------------------------------


def _implementing_codes(list_type_code: str) -> set[str]:
    from xinyong.measures.models import Measure

    return set(
        Measure.objects.filter(list_types__code=list_type_code, is_active=True)
        .exclude(implementing_department_code="")
        .values_list("implementing_department_code", flat=True)
    )


def _recent_checkers(subject_ids: list[int], today: dt.date) -> set[int]:
    since = today - dt.timedelta(days=parameters.integer("recent_check_days"))
    checks = Check.objects.filter(subject_id__in=subject_ids, checked_at__date__gte=since, batch__isnull=True)
    batches = CheckBatch.objects.filter(subject_ids__overlaps=subject_ids, checked_at__date__gte=since)
    return {*checks.values_list("implementer_id", flat=True), *batches.values_list("implementer_id", flat=True)}


def push_recipients(entry, derived, today: dt.date) -> set[int]:
    """`notices.services.ENTRY_RECIPIENTS`: who hears of a list change — the implementers of the list type's
    measures, and the departments that checked the subject (or its persons) recently."""
    subject_ids = [entry.subject_id, *(d.subject_id for d in derived)]
    departments = set(
        Department.objects.filter(code__in=_implementing_codes(entry.list_type.code)).values_list("pk", flat=True)
    )
    return departments | _recent_checkers(subject_ids, today)


# ---- loop closure ------------------------------------------------------------------------------


def entry_loop(entry_ids: list[int], today: dt.date) -> list[dict]:
    """Per department, for a list entry (its id and those of the person entries derived from it): tasks
    pushed, closed, overdue; feedback given."""
    tasks = entry_counts(entry_ids, today)
    feedback = dict(
        Feedback.objects.filter(entry_id__in=entry_ids).values_list("department__code").annotate(n=Count("id"))
    )
    return [
        {
            "department": row["department__code"],
            "department_name": row["department__name"],
            "pushed": row["pushed"],
            "closed": row["closed"],
            "overdue": row["overdue"],
            "feedback": feedback.get(row["department__code"], 0),
        }
        for row in tasks.order_by("department__code")
    ]


def entry_feedback(entry_ids: list[int]):
    """The feedback given on measures a list entry (or a person entry derived from it) brought, oldest
    first, with the check and the department."""
    return (
        Feedback.objects.filter(entry_id__in=entry_ids)
        .select_related("check_record", "department")
        .order_by("given_at", "id")
    )


def department_loop(start: dt.date, end: dt.date, today: dt.date) -> list[dict]:
    """Per implementing department over [start, end]: checks made, restricted answers, measures fed back,
    feedback rate and mean delay, tasks pushed / closed / overdue."""
    checks = Check.objects.filter(checked_at__date__gte=start, checked_at__date__lte=end)
    per_department: dict[str, dict] = {}

    def row(code: str, name: str) -> dict:
        return per_department.setdefault(
            code,
            {
                "department": code,
                "department_name": name,
                "checks": 0,
                "restricted": 0,
                "measures_answered": 0,
                "feedback": 0,
                "feedback_rate": None,
                "mean_feedback_hours": None,
                "tasks_pushed": 0,
                "tasks_closed": 0,
                "tasks_overdue": 0,
            },
        )

    # Checks answered one by one, then batches (an answer of a batch copied out for feedback is counted
    # with its batch, not again).
    singles = checks.filter(batch__isnull=True).values("implementer__code", "implementer__name")
    for item in singles.annotate(
        n=Count("id"),
        restricted=Count("id", filter=Q(result=Check.Result.RESTRICTED)),
        measures=Sum("measure_count"),
    ):
        target = row(item["implementer__code"], item["implementer__name"])
        target.update(checks=item["n"], restricted=item["restricted"], measures_answered=item["measures"] or 0)
    batches = CheckBatch.objects.filter(checked_at__date__gte=start, checked_at__date__lte=end)
    for item in batches.values("implementer__code", "implementer__name").annotate(
        n=Sum("checks"), restricted=Sum("restricted"), measures=Sum("measure_count")
    ):
        target = row(item["implementer__code"], item["implementer__name"])
        target["checks"] += item["n"]
        target["restricted"] += item["restricted"]
        target["measures_answered"] += item["measures"]
    delay = ExpressionWrapper(F("given_at") - F("check_record__checked_at"), output_field=DurationField())
    feedback = Feedback.objects.filter(check_record__in=checks).values("department__code", "department__name")
    for item in feedback.annotate(n=Count("id"), mean=Avg(delay)):
        target = row(item["department__code"], item["department__name"])
        target["feedback"] = item["n"]
        target["mean_feedback_hours"] = round(item["mean"].total_seconds() / 3600, 2) if item["mean"] else None
    for item in period_counts(start, end, today):
        target = row(item["department__code"], item["department__name"])
        target.update(tasks_pushed=item["pushed"], tasks_closed=item["closed"], tasks_overdue=item["overdue"])
    for target in per_department.values():
        if target["measures_answered"]:
            target["feedback_rate"] = round(target["feedback"] / target["measures_answered"], 4)
    return sorted(per_department.values(), key=lambda r: r["department"])


def feedback_due_on(checked_at: dt.datetime) -> dt.date | None:
    """When feedback on a check falls due: `feedback_working_days` working days after the day of the check,
    the period a pushed task gets (notices.services.feedback_due). None when the calendar lacks the year."""
    try:
        return calendar.add_working_days(timezone.localdate(checked_at), parameters.integer("feedback_working_days"))
    except calendar.CalendarMissing:
        return None


def _owed(made: Check | CheckBatch, given: int) -> dict:
    """One line of `feedback_owed`: a single check or a batch, with `given` the feedback counted on it."""
    return {
        "check": made if isinstance(made, Check) else None,
        "batch": made if isinstance(made, CheckBatch) else None,
        "number": made.number,
        "checked_at": made.checked_at,
        "owed": made.measure_count - given,
    }


class Owed(NamedTuple):
    items: list[dict]  # the first `limit`
    total: int  # how many in all


def feedback_owed(department, *, limit: int = 100) -> Owed:
    """Checks this department made whose answer had measures in force, not all of them fed back yet (R11),
    oldest first: single checks, and batches counted as one line each. Each item: `number`, `check` or
    `batch`, `checked_at`, `owed` (measures without feedback), `due_on`."""
    singles = (
        Check.objects.filter(implementer=department, batch__isnull=True, measure_count__gt=0)
        .annotate(given=Count("feedback"))
        .filter(given__lt=F("measure_count"))
        .select_related("subject")
        .order_by("checked_at", "id")
    )
    batches = (
        CheckBatch.objects.filter(implementer=department, measure_count__gt=0)
        .annotate(given=Count("items__feedback"))
        .filter(given__lt=F("measure_count"))
        .defer("document", "subject_ids")
        .order_by("checked_at", "id")
    )
    found = [_owed(c, c.given) for c in singles[:limit]] + [_owed(b, b.given) for b in batches[:limit]]
    found.sort(key=lambda item: item["checked_at"])
    for item in found[:limit]:
        item["due_on"] = feedback_due_on(item["checked_at"])
    return Owed(found[:limit], singles.count() + batches.count())
