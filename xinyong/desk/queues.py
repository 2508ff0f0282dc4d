"""What the queues of decisions owed to subjects share (异议处理, 信用修复): tabs by state, the due date with
the working days left (`core.deadlines`), and for the credit office every department's queue with a filter
and each department's on-time rate this year (`stats.selectors.handling_figures`)."""

import datetime as dt

from django import forms
from django.urls import reverse

from xinyong.accounts.selectors import active_departments, oversees
from xinyong.core import clock
from xinyong.core.deadlines import met, with_deadlines
from xinyong.core.pagination import PageOutOfRange
from xinyong.rights import selectors as rights
from xinyong.stats import selectors as stats

from .access import not_found
from .views import MAX_PAGE, _page

STATE_NAMES = {"open": "待办理", "overdue": "已逾期", "done": "已办结"}


class QueueFilter(forms.Form):
    state = forms.ChoiceField(label="状态", choices=list(STATE_NAMES.items()), required=False)
    department = forms.ChoiceField(label="办理部门", required=False)

    def __init__(self, data, *, departments, states: dict[str, str] = STATE_NAMES):
        super().__init__(data)
        self.fields["state"].choices = list(states.items())
        self.fields["department"].choices = [("", "全部部门")] + [(d.code, d.name) for d in departments]

    def values(self) -> tuple[str, str]:
        """(state, department code); an unknown value falls back to the first state, of every department."""
        first = self.fields["state"].choices[0][0]
        if not self.is_valid():
            return first, ""
        return self.cleaned_data["state"] or first, self.cleaned_data["department"]


def _with_outcomes(items: list) -> list:
    for item in items:
        item.on_time = met(item.due_on, item.decided_at)
    return items


def queue_page(request, rows, *, model, url_name: str):
    """The context of a queue page, or the workbench's 404 page past the last page allowed."""
    today = clock.today()
    overseer = oversees(request.user)
    figures = stats.handling_figures(model, dt.date(today.year, 1, 1), today, today) if overseer else []
    filters = QueueFilter(request.GET, departments=active_departments() if overseer else [])
    state, department = filters.values()
    try:
        items, page = _page(request, rights.queue(rows, state=state, today=today, department=department))
    except PageOutOfRange:
        return None, not_found(request, f"最多浏览前 {MAX_PAGE} 页，请按办理部门筛选。")
    base = reverse(url_name)
    tabs = [
        {
            "name": name,
            "url": f"{base}?state={code}" + (f"&department={department}" if department else ""),
            "current": code == state,
        }
        for code, name in STATE_NAMES.items()
    ]
    context = {
        "items": with_deadlines(items, today) if state != "done" else _with_outcomes(items),
        "pager": page,
        "state": state,
        "tabs": tabs,
        "filters": filters,
        "overseer": overseer,
        "figures": figures,
        "department": department,
    }
    return context, None
