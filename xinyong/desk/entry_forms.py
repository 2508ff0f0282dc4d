"""Forms of the 名单认定 pages: parsing only; the rules are `lists.services`'."""

from django import forms

from xinyong.lists.models import EXIT_CONDITIONS, ListEntry
from xinyong.lists.selectors import RosterFilter
from xinyong.lists.services import EntryInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "请输入有效日期（年-月-日）", "required": "请填写日期"}


def required(label: str) -> dict:
    return {"required": f"请填写{label}"}


class EntryForm(forms.Form):
    list_type = forms.ChoiceField(label="名单类型", error_messages={"required": "请选择名单类型"})
    subject = forms.CharField(
        label="统一社会信用代码或身份证号",
        max_length=40,
        error_messages=required("统一社会信用代码或身份证号"),
        help_text="预览时核对代码并显示主体名称",
    )
    document_number = forms.CharField(label="认定文书号", max_length=100, error_messages=required("认定文书号"))
    basis = forms.CharField(
        label="认定依据",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=required("认定依据"),
    )
    reason = forms.CharField(
        label="失信或守信事实", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decided_on = forms.DateField(label="认定日期", widget=DATE, error_messages=DATE_ERRORS)
    conduct_on = forms.DateField(
        label="行为发生日期",
        required=False,
        widget=DATE,
        error_messages=DATE_ERRORS,
        help_text="据此确定当时的法定代表人等（落实到人）；不填按认定日期",
    )
    starts_on = forms.DateField(
        label="起始日期", required=False, widget=DATE, error_messages=DATE_ERRORS, help_text="不填为认定日期"
    )
    ends_on = forms.DateField(
        label="截止日期", required=False, widget=DATE, error_messages=DATE_ERRORS, help_text="不填按名单类型的默认期限"
    )

    def __init__(self, *args, list_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["list_type"].choices = [("", "请选择")] + [
            (t.code, f"{t.name}（默认{t.default_period_months}个月）" if t.default_period_months else t.name)
            for t in list_types
        ]

    def entry_input(self) -> EntryInput:
        return EntryInput(**self.cleaned_data)


class EndForm(forms.Form):
    """Revoke, or exit early (then with the conditions the subject met)."""

    reason = forms.CharField(
        label="理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}), error_messages=required("理由")
    )


class ExitForm(EndForm):
    conditions = forms.MultipleChoiceField(
        label="已满足的移出条件",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择已满足的移出条件"},
    )

    def __init__(self, *args, entry: ListEntry, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conditions"].choices = [(c, EXIT_CONDITIONS[c]) for c in entry.list_type.early_exit_conditions]


class RosterForm(forms.Form):
    list_type = forms.ChoiceField(label="名单类型", required=False)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *ListEntry.Status.choices], initial=""
    )
    decided_from = forms.DateField(label="认定日期自", required=False, widget=DATE, error_messages=DATE_ERRORS)
    decided_to = forms.DateField(label="认定日期至", required=False, widget=DATE, error_messages=DATE_ERRORS)
    subject = forms.CharField(label="主体代码", required=False, max_length=40)

    def __init__(self, *args, list_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["list_type"].choices = [("", "全部")] + [(t.code, t.name) for t in list_types]

    def roster_filter(self) -> RosterFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return RosterFilter(**{name: value for name, value in data.items() if value})
