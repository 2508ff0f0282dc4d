"""待办: what a department owes, from the tasks pushed to it and the feedback its checks await, oldest due
first (R11). Composed from the selectors that own each rule; nothing is decided here but the order."""

import datetime as dt
from dataclasses import dataclass

from xinyong.accounts.models import Role
from xinyong.checks import selectors as checks
from xinyong.notices import selectors as notices
from xinyong.notices.models import Task
from xinyong.portal import selectors as portal
from xinyong.portal.models import DishonestyReport
from xinyong.rights import selectors as rights

LIMIT = 100


@dataclass(frozen=True)
class Todo:
    due_on: dt.date | None
    overdue: bool
    task: Task | None = None
    owed: dict | None = None  # an item of checks.selectors.feedback_owed
    report: DishonestyReport | None = None  # a dishonesty report the department is handling


def _order(item: Todo):
    return (item.due_on is None, item.due_on or dt.date.max)


def for_department(department, today: dt.date) -> tuple[list[Todo], int]:
    """The first LIMIT things to do, and how many in all."""
    tasks = notices.department_tasks(department, state="open", today=today)
    owed, owed_total = checks.feedback_owed(department, limit=LIMIT)
    items = [Todo(t.due_on, bool(t.due_on and t.due_on < today), task=t) for t in tasks[:LIMIT]]
    items += [Todo(o["due_on"], bool(o["due_on"] and o["due_on"] < today), owed=o) for o in owed]
    reports = portal.department_reports(department)
    items += [Todo(r.due_on, bool(r.due_on and r.due_on < today), report=r) for r in reports[:LIMIT]]
    items.sort(key=_order)
    return items[:LIMIT], tasks.count() + owed_total + reports.count()


def count(user, today: dt.date) -> int | None:
    if user.department_id is None:
        return None
    tasks = notices.department_tasks(user.department, state="open", today=today).count()
    reports = portal.department_reports(user.department).count()
    return tasks + checks.feedback_owed(user.department, limit=0).total + reports


def open_tasks(user, today: dt.date) -> int | None:
    if user.department_id is None:
        return None
    return notices.department_tasks(user.department, state="open", today=today).count()


def open_objections(user, today: dt.date) -> int | None:
    """Objections the user's queue holds still pending (the department's; the credit office's: all)."""
    return rights.visible_objections(user).filter(status="pending").count()


def open_repairs(user, today: dt.date) -> int | None:
    return rights.visible_repairs(user).filter(status="pending").count()


def open_reports(user, today: dt.date) -> int | None:
    """The credit office: reports awaiting triage; a department: the reports it is handling."""
    state = "triage" if user.has_role(Role.CREDIT_OFFICE) else "open"
    return portal.report_queue(user, state=state, today=today).count()
