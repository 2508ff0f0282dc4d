"""Reads of the inbox: a department's tasks, what is overdue, and counts per department for the loop
figures (R11, R28)."""

import datetime as dt

from django.db.models import Count, F, Q, QuerySet

from .models import Task


def overdue(today: dt.date) -> Q:
    """Tasks still open past their due date."""
    return Q(status=Task.Status.OPEN, due_on__lt=today)


def inbox(department, *, status: str = Task.Status.OPEN) -> QuerySet[Task]:
    """A department's tasks in one status, in the order `GET /tasks` has always listed them (by due date,
    then id)."""
    return (
        Task.objects.filter(department=department, status=status)
        .select_related("entry__list_type", "entry__subject")
        .order_by("due_on", "id")
    )


def counts_by_department(tasks: QuerySet[Task], today: dt.date) -> QuerySet:
    """Per department (code, name): tasks pushed, closed and overdue."""
    return tasks.values("department__code", "department__name").annotate(
        pushed=Count("id"),
        closed=Count("id", filter=Q(status=Task.Status.DONE)),
        overdue=Count("id", filter=overdue(today)),
    )


def entry_counts(entry_ids: list[int], today: dt.date) -> QuerySet:
    """`counts_by_department` of the tasks about a list entry (its id and those of the person entries
    derived from it)."""
    return counts_by_department(Task.objects.filter(entry_id__in=entry_ids), today)


def period_counts(start: dt.date, end: dt.date, today: dt.date) -> QuerySet:
    """`counts_by_department` of the tasks pushed over [start, end]."""
    return counts_by_department(Task.objects.filter(created_at__date__gte=start, created_at__date__lte=end), today)


# ---- the workbench's 待办 and 推送任务 ---------------------------------------------------------

TASK_STATES = ("open", "overdue", "done")


def department_tasks(department, *, state: str, today: dt.date, action: str = "") -> QuerySet:
    """A department's pushed tasks: open (oldest due first, undated last), overdue (open past their due
    date), or done (latest first); `action` narrows to one kind."""
    tasks = Task.objects.filter(department=department).select_related(
        "entry__list_type", "entry__subject", "objection", "repair"
    )
    if action:
        tasks = tasks.filter(action=action)
    if state == "done":
        return tasks.filter(status=Task.Status.DONE).order_by("-done_at", "-id")
    tasks = tasks.filter(overdue(today)) if state == "overdue" else tasks.filter(status=Task.Status.OPEN)
    return tasks.order_by(F("due_on").asc(nulls_last=True), "created_at", "id")


def entry_tasks(entry_ids: list[int], *, actions=(), since: dt.datetime | None = None) -> QuerySet[Task]:
    """The tasks pushed about these list entries (to the implementers and others), oldest first; `actions`
    narrows to those kinds, `since` to those pushed from then on (e.g. the ones a decision caused)."""
    tasks = Task.objects.filter(entry_id__in=entry_ids).select_related("department")
    if actions:
        tasks = tasks.filter(action__in=actions)
    if since is not None:
        tasks = tasks.filter(created_at__gte=since)
    return tasks.order_by("created_at", "id")
