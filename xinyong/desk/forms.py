"""Workbench forms: what a page reads from the request, in Chinese, before calling a selector or service."""

from django import forms

from xinyong.checks.models import Task
from xinyong.checks.selectors import TASK_STATES

STATE_NAMES = {"open": "待处理", "overdue": "已逾期", "done": "已处理"}


class TaskFilter(forms.Form):
    state = forms.ChoiceField(label="状态", choices=[(s, STATE_NAMES[s]) for s in TASK_STATES], required=False)
    action = forms.ChoiceField(label="事项类型", choices=[("", "全部"), *Task.Action.choices], required=False)

    def values(self) -> tuple[str, str]:
        """(state, action) asked for; an unknown value falls back to open tasks of every kind."""
        if not self.is_valid():
            return "open", ""
        return self.cleaned_data["state"] or "open", self.cleaned_data["action"]


class CloseTask(forms.Form):
    note = forms.CharField(label="处理说明", max_length=500, required=False)
