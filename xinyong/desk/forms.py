"""Workbench forms: what a page reads from the request, in Chinese, before calling a selector or service."""

import datetime as dt

from django import forms
from django.conf import settings

from xinyong.accounts.services import MAX_TOKEN_DAYS
from xinyong.notices.models import Task
from xinyong.notices.selectors import TASK_STATES

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


class IssueToken(forms.Form):
    holder = forms.ModelChoiceField(label="令牌所属账号", queryset=None, empty_label="请选择账号")
    name = forms.CharField(label="用途", max_length=100, help_text="例如：行政审批系统嵌入式核查")
    days = forms.IntegerField(label="有效期（天）", min_value=1, max_value=MAX_TOKEN_DAYS)

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = holders
        self.fields["holder"].label_from_instance = _holder_label
        self.fields["days"].initial = settings.XINYONG_TOKEN_DAYS


def _holder_label(user) -> str:
    department = user.department.name if user.department_id else "无部门"
    return f"{user.get_username()}（{department}）"


class Period(forms.Form):
    """A reporting period, this month unless asked otherwise."""

    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, data, *, default: tuple[dt.date, dt.date]):
        self.default = default
        super().__init__(
            data if data.get("start") or data.get("end") else None, initial={"start": default[0], "end": default[1]}
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            raise forms.ValidationError("结束日期早于开始日期。")
        return cleaned

    def period(self) -> tuple[dt.date, dt.date]:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self.default
