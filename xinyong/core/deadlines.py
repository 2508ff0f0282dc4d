"""How far a due date is, in the platform's working days (工作日历), for the people who must meet it: the
queues of objections, repairs and dishonesty reports show it beside each item.

`days_left` counts the working days after today up to the due date (the due day itself counts, today does
not: the calendar's convention), so an item due tomorrow has 1 day left and one due today 0. An item past
its due date is overdue and `days_left` is minus the working days since. `urgent` is fewer than
`deadline_warning_working_days` (a rule parameter, 5 by default) left. A year the calendar does not hold
yet gives `days_left` None — the due date is still shown, never a guessed count."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from . import calendar, parameters

WARNING_PARAMETER = "deadline_warning_working_days"


@dataclass(frozen=True)
class Deadline:
    due_on: dt.date | None
    days_left: int | None
    overdue: bool
    urgent: bool

    @property
    def days_overdue(self) -> int | None:
        return -self.days_left if self.overdue and self.days_left is not None else None


def warning_days() -> int:
    return parameters.integer(WARNING_PARAMETER)


def deadline(due_on: dt.date | None, today: dt.date, *, warning: int) -> Deadline:
    if due_on is None:
        return Deadline(None, None, False, False)
    overdue = due_on < today
    try:
        if overdue:
            left = -calendar.working_days_between(due_on, today)
        else:
            left = calendar.working_days_between(today, due_on)
    except calendar.CalendarMissing:
        left = None
    urgent = not overdue and left is not None and left < warning
    return Deadline(due_on, left, overdue, urgent)


def with_deadlines(items, today: dt.date) -> list:
    """The items, each given its `deadline` (from its `due_on`) for a page to show; the warning figure is
    read once."""
    warning = warning_days()
    shown = list(items)
    for item in shown:
        item.deadline = deadline(item.due_on, today, warning=warning)
    return shown


def met(due_on: dt.date | None, done_at: dt.datetime | None) -> bool | None:
    """Whether something done at `done_at` (local day) met its due date; None when either is unknown."""
    if due_on is None or done_at is None:
        return None
    return timezone.localdate(done_at) <= due_on
