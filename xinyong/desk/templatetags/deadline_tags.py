"""Deadlines as the people who must meet them read them (issue 19 item 7): working days left by the
platform's calendar (`core.calendar`), urgent under URGENT_WORKING_DAYS, overdue once past."""

import datetime as dt

from django import template

from xinyong.core import calendar, clock

register = template.Library()

URGENT_WORKING_DAYS = 5
# The states in which a deadline still runs (a commitment pending, an order open); any other is settled.
RUNNING = frozenset({"pending", "open"})


@register.inclusion_tag("desk/_due.html")
def due(due_on: dt.date | None, state: str = "open"):
    """The date, and while the item's `state` is running how many working days are left (or that it is
    overdue)."""
    if due_on is None:
        return {"due_on": None}
    today = clock.today()
    if state not in RUNNING:
        return {"due_on": due_on, "done": True}
    if due_on < today:
        return {"due_on": due_on, "overdue": True}
    try:
        left = calendar.working_days_between(today, due_on)
    except calendar.CalendarMissing:  # a year with no calendar loaded: the date alone
        return {"due_on": due_on, "left": None}
    return {"due_on": due_on, "left": left, "urgent": left < URGENT_WORKING_DAYS}
