"""Every write to a department's inbox: tasks pushed on a list change (R11, 发起-响应), decisions owed to
a subject (objection, repair), notices other slices build (R16), and closing them.

Who must hear of a list change is other slices' knowledge: `ENTRY_RECIPIENTS` (the departments that
implement the list's measures or checked the subject lately, from `checks`) and `ENTRY_NOTICES` (public-
sector notices, from `integrity`) are registered from `AppConfig.ready()`, so this app sits below them."""

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import transaction

from xinyong.accounts.models import Department
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core import calendar, clock, parameters
from xinyong.core.errors import NotFound

from .models import Task

PUSH_REASONS = {
    "publish": "名单发布，请在审批中落实相应措施",
    "revoke": "名单撤销，请停止相应措施",
    "expire": "惩戒期限届满，请停止相应措施",
    "suspend": "异议处理中，相关措施暂停",
    "resume": "异议未成立，相关措施恢复",
    "objection": "信用主体提出异议，请在期限内核查处理",
    "repair": "信用主体申请信用修复，请在期限内作出决定",
}
# Each callable gets (entry, derived, today) and returns the ids of departments to push the change to.
ENTRY_RECIPIENTS: list[Callable[..., Iterable[int]]] = []
# Other slices add notices to a list change (e.g. integrity, R16: a public body's superior and the audit
# office, a public employee's employer and discipline bodies). Each callable gets (entry, action=,
# derived=, due=) and returns unsaved Tasks.
ENTRY_NOTICES: list[Callable[..., list[Task]]] = []


def feedback_due(today: dt.date) -> dt.date | None:
    try:
        return calendar.add_working_days(today, parameters.integer("feedback_working_days"))
    except calendar.CalendarMissing:
        return None  # the task stays open without a due date rather than getting a guessed one


def push_entry_change(entry, *, action: str, derived=()) -> list[Task]:
    """Tell every department concerned (`ENTRY_RECIPIENTS`) but the initiator, so a change after their
    check is not missed; earlier open tasks about the entry are overtaken; `ENTRY_NOTICES` add theirs."""
    today = clock.today()
    departments: set[int] = set()
    for recipients in ENTRY_RECIPIENTS:
        departments |= set(recipients(entry, derived, today))
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


def send(tasks: list[Task]) -> list[Task]:
    """Store notices another slice built (unsaved Tasks, e.g. integrity's R16 notices of a broken commitment)."""
    Task.objects.bulk_create(tasks)
    return tasks


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


def close_entry_tasks(*, department: Department, entry_id: int, at: dt.datetime, note: str) -> None:
    """The department acted on the entry (fed back a check's measure): its open tasks about it are done."""
    Task.objects.filter(department=department, entry_id=entry_id, status=Task.Status.OPEN).update(
        status=Task.Status.DONE, done_at=at, done_note=note
    )


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
