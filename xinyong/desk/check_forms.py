"""Forms of the 信用核查 pages: parsing only; checking is `checks.services`'."""

import re

from django import forms

from xinyong.checks.services.feedback import MeasureFeedback
from xinyong.measures.selectors import active_matters

CJK = re.compile(r"[\u3400-\u9fff]")
FILE_TYPES = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MatterField(forms.CharField):
    """A business matter typed or picked by its name (or given by its code): cleaned to its code."""

    def clean(self, value):
        value = super().clean(value).strip()
        matters = {m.name: m.code for m in active_matters()}
        if value in matters.values():
            return value
        if value in matters:
            return matters[value]
        raise forms.ValidationError(f"没有名为“{value}”的业务事项，请从列表中选择")


def matter_field() -> MatterField:
    return MatterField(
        label="业务事项",
        max_length=100,
        error_messages={"required": "请选择业务事项"},
        help_text="输入关键字，从列表中选择",
        widget=forms.TextInput(attrs={"list": "matters", "autocomplete": "off"}),
    )


class CheckForm(forms.Form):
    subject = forms.CharField(
        label="统一社会信用代码或身份证号",
        max_length=100,
        error_messages={"required": "请输入统一社会信用代码、身份证号或名称"},
        help_text="也可输入单位名称，从提示中选择",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": "subject-suggestions",
            }
        ),
    )
    matter = matter_field()

    def is_name(self) -> bool:
        """A name to look up rather than a code to check (a code, even mistyped, has no Chinese in it)."""
        return bool(CJK.search(self.cleaned_data["subject"]))


class BatchForm(forms.Form):
    matter = matter_field()
    file = forms.FileField(
        label="代码文件（CSV 或 Excel）",
        error_messages={"required": "请选择文件", "empty": "文件为空"},
        help_text="每行一个统一社会信用代码或身份证号；有表头时取“统一社会信用代码”“主体代码”等列，"
        "否则取第一列；最多 10,000 行",
        widget=forms.ClearableFileInput(attrs={"accept": FILE_TYPES}),
    )


class FeedbackForm(forms.Form):
    """One pair of fields per measure owed: applied or not, and the note (the reason when not)."""

    CHOICES = [("yes", "已落实"), ("no", "未落实")]

    def __init__(self, *args, measures: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.measures = measures
        for n, measure in enumerate(measures):
            self.fields[f"applied_{n}"] = forms.ChoiceField(
                label=f"“{measure['name']}”落实情况",
                choices=self.CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": "请选择是否落实"},
            )
            self.fields[f"note_{n}"] = forms.CharField(
                label="说明（未落实须写明理由）",
                max_length=500,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        """(measure, applied field, note field) per measure, for the template."""
        return [(m, self[f"applied_{n}"], self[f"note_{n}"]) for n, m in enumerate(self.measures)]

    def note_field(self, code: str) -> str:
        """The form field where the reason for one measure goes (the service names measures by code)."""
        return next(f"note_{n}" for n, m in enumerate(self.measures) if m["code"] == code)

    def items(self) -> list[MeasureFeedback]:
        data = self.cleaned_data
        return [
            MeasureFeedback(m["code"], data[f"applied_{n}"] == "yes", data[f"note_{n}"])
            for n, m in enumerate(self.measures)
        ]
