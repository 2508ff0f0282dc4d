"""Tracking statistics per department (跟踪问效, R28): what each department delivered, how fast, and
whether it closed its loops — computed from the same rows the rest of the platform keeps."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate

from xinyong.accounts.models import Department
from xinyong.checks.models import Feedback
from xinyong.checks.selectors import department_loop
from xinyong.core import parameters
from xinyong.lists.models import ListEntry
from xinyong.notices.models import Task
from xinyong.notices.selectors import overdue
from xinyong.records.models import Record
from xinyong.records.selectors import timeliness
from xinyong.rights.models import Objection, Repair

LOCAL = ZoneInfo(settings.TIME_ZONE)


def _in_period(field: str, start: dt.date, end: dt.date) -> Q:
    """Local days [start, end] as a range on the timestamp itself, so its index is used (a `__date`
    cast on 5M records took a second)."""
    since = dt.datetime.combine(start, dt.time.min, tzinfo=LOCAL)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL)
    return Q(**{f"{field}__gte": since, f"{field}__lt": until})


def decided_on_time(
    model, start: dt.date, end: dt.date, today: dt.date, *, done_field: str = "decided_at", open_statuses=("pending",)
) -> dict[str, dict]:
    """Objections, repairs (or reports, with their own `done_field` and open statuses) per handling department:
    done in the period (on time or late), and still open past their deadline today."""
    rows_with_handler = model.objects.filter(handler__isnull=False)
    decided = rows_with_handler.filter(_in_period(done_field, start, end)).annotate(
        decided_on=TruncDate(done_field, tzinfo=LOCAL)
    )
    rows = {
        row["handler__code"]: {"decided": row["n"], "on_time": row["on_time"]}
        for row in decided.values("handler__code").annotate(
            n=Count("id"), on_time=Count("id", filter=Q(decided_on__lte=F("due_on")))
        )
    }
    open_overdue = (
        rows_with_handler.filter(status__in=open_statuses, due_on__lt=today)
        .values("handler__code")
        .annotate(n=Count("id"))
    )
    for row in open_overdue:
        rows.setdefault(row["handler__code"], {"decided": 0, "on_time": 0})["overdue_open"] = row["n"]
    return rows


def handling_figures(
    model, start: dt.date, end: dt.date, today: dt.date, *, done_field: str = "decided_at", open_statuses=("pending",)
) -> list[dict]:
    """Per handling department, for the credit office's view of a queue (objections, repairs, reports): done
    in [start, end] and how many on time (on or before the due date), the on-time rate, open now and open
    past the due date. Departments with nothing done or open are left out."""
    names = dict(Department.objects.values_list("code", "name"))
    decided = decided_on_time(model, start, end, today, done_field=done_field, open_statuses=open_statuses)
    open_now = dict(
        model.objects.filter(handler__isnull=False, status__in=open_statuses)
        .values_list("handler__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = []
    for code in sorted(set(decided) | set(open_now)):
        row = {"decided": 0, "on_time": 0, "overdue_open": 0, **decided.get(code, {})}
        rate = row["on_time"] / row["decided"] if row["decided"] else None
        rows.append({"code": code, "name": names.get(code, code), "open": open_now.get(code, 0), "rate": rate, **row})
    return rows


def department_statistics(start: dt.date, end: dt.date, today: dt.date) -> list[dict]:
    names = dict(Department.objects.values_list("code", "name"))
    pushed = dict(
        Record.objects.filter(_in_period("received_at", start, end))
        .values_list("provider__code")
        .annotate(n=Count("provider"))  # not the id: the `record_received_provider` index holds all it reads
    )
    initiated = dict(
        ListEntry.objects.filter(_in_period("created_at", start, end), derived_from__isnull=True)
        .values_list("initiator__code")
        .annotate(n=Count("id"))
    )
    publicity = {row["department"]: row for row in timeliness(start=start, end=end, today=today)}
    loop = {row["department"]: row for row in department_loop(start, end, today)}
    objections = decided_on_time(Objection, start, end, today)
    repairs = decided_on_time(Repair, start, end, today)
    codes = sorted(set(pushed) | set(initiated) | set(publicity) | set(loop) | set(objections) | set(repairs))
    rows = [
        _row(code, names.get(code, code), pushed, initiated, publicity, loop, objections, repairs) for code in codes
    ]
    _mark_lagging(rows)
    return rows


def _row(code, name, pushed, initiated, publicity, loop, objections, repairs) -> dict:
    empty_publicity = {"total": 0, "on_time": 0, "late": 0, "overdue": 0, "pending": 0, "on_time_rate": None}
    public = publicity.get(code, empty_publicity)
    checks = loop.get(code, {})
    return {
        "department": code,
        "department_name": name,
        "records_pushed": pushed.get(code, 0),
        "publicity": {key: public[key] for key in empty_publicity},
        "entries_initiated": initiated.get(code, 0),
        "checks": checks.get("checks", 0),
        "restricted": checks.get("restricted", 0),
        "feedback": checks.get("feedback", 0),
        "feedback_rate": checks.get("feedback_rate"),
        "mean_feedback_hours": checks.get("mean_feedback_hours"),
        "tasks_overdue": checks.get("tasks_overdue", 0),
        "objections": {"decided": 0, "on_time": 0, "overdue_open": 0, **objections.get(code, {})},
        "repairs": {"decided": 0, "on_time": 0, "overdue_open": 0, **repairs.get(code, {})},
    }


def _mark_lagging(rows: list[dict]) -> None:
    publicity_floor = float(parameters.value("lagging_publicity_rate"))
    feedback_floor = float(parameters.value("lagging_feedback_rate"))
    for row in rows:
        reasons = []
        rate = row["publicity"]["on_time_rate"]
        if rate is not None and rate < publicity_floor:
            reasons.append(f"双公示按时率 {rate:.0%} 低于 {publicity_floor:.0%}")
        if row["publicity"]["overdue"]:
            reasons.append(f"{row['publicity']['overdue']} 条决定逾期未公示")
        if row["feedback_rate"] is not None and row["feedback_rate"] < feedback_floor:
            reasons.append(f"核查反馈率 {row['feedback_rate']:.0%} 低于 {feedback_floor:.0%}")
        if row["tasks_overdue"]:
            reasons.append(f"{row['tasks_overdue']} 项推送任务逾期未处理")
        for label, key in (("异议", "objections"), ("信用修复申请", "repairs")):
            if row[key]["overdue_open"]:
                reasons.append(f"{row[key]['overdue_open']} 件{label}逾期未办结")
        row["lagging"] = bool(reasons)
        row["lagging_reasons"] = reasons


MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def report_title(start: dt.date, end: dt.date) -> str:
    """A calendar month is the monthly report (月度通报); any other period names its first and last day."""
    if start.day == 1 and (start, end) == month_bounds(f"{start:%Y-%m}"):
        return f"{start.year}年{start.month}月社会信用体系建设跟踪问效通报"
    return f"{_chinese_date(start)}至{_chinese_date(end)}社会信用体系建设跟踪问效通报"


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    first = dt.date.fromisoformat(f"{month}-01")
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


# ---- the rows behind the loop figures (checks.selectors.department_loop), per department -------------

LOOP_ROWS = {
    "pushed": "推送任务",
    "closed": "已处理任务",
    "overdue": "逾期未处理任务",
    "feedback": "落实反馈",
}


def loop_rows(kind: str, department: Department, start: dt.date, end: dt.date, today: dt.date) -> QuerySet:
    """The rows one figure of `department_loop` counts for a department over [start, end]: the tasks pushed
    to it (all, closed, open past due) or the feedback it gave on checks made in the period."""
    if kind == "feedback":
        return (
            Feedback.objects.filter(
                department=department,
                check_record__checked_at__date__gte=start,
                check_record__checked_at__date__lte=end,
            )
            .select_related("check_record__subject")
            .order_by("-given_at", "-id")
        )
    tasks = Task.objects.filter(department=department, created_at__date__gte=start, created_at__date__lte=end)
    if kind == "closed":
        tasks = tasks.filter(status=Task.Status.DONE)
    elif kind == "overdue":
        tasks = tasks.filter(overdue(today))
    return tasks.select_related("entry__list_type", "entry__subject").order_by("due_on", "created_at", "id")
