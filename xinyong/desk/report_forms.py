"""Forms of the 失信举报 pages, one per handling step: parsing only; the rules are `portal.services`'."""

from django import forms

from .entry_forms import required

TEXT = {"widget": forms.Textarea(attrs={"rows": 3}), "max_length": 4000}


class AssignForm(forms.Form):
    department = forms.ChoiceField(label="承办部门", error_messages={"required": "请选择承办部门"})
    note = forms.CharField(label="分办意见", required=False, **TEXT)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "请选择部门")] + [(d.code, d.name) for d in departments]

    def arguments(self) -> dict:
        return {"department_code": self.cleaned_data["department"], "note": self.cleaned_data["note"]}


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="不予受理理由", help_text="举报人凭查询码可查看", error_messages=required("理由"), **TEXT
    )

    def arguments(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


class AcceptForm(forms.Form):
    note = forms.CharField(label="受理意见", required=False, **TEXT)

    def arguments(self) -> dict:
        return {"note": self.cleaned_data["note"]}


class InvestigateForm(forms.Form):
    note = forms.CharField(label="调查核实情况", error_messages=required("调查核实情况"), **TEXT)

    def arguments(self) -> dict:
        return {"note": self.cleaned_data["note"]}


class ConcludeForm(forms.Form):
    substantiated = forms.TypedChoiceField(
        label="举报是否属实",
        choices=[("1", "属实"), ("0", "不属实")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择举报是否属实"},
    )
    conclusion = forms.CharField(label="调查结论", error_messages=required("调查结论"), **TEXT)

    def arguments(self) -> dict:
        return {"substantiated": self.cleaned_data["substantiated"], "conclusion": self.cleaned_data["conclusion"]}


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label="答复内容", help_text="举报人凭举报编号和查询码查看", error_messages=required("答复内容"), **TEXT
    )

    def arguments(self) -> dict:
        return {"text": self.cleaned_data["reply"]}
