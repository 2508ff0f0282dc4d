"""Forms of the 异议处理 and 信用修复 pages: parsing only; the rules are `rights.services`'."""

from django import forms

from xinyong.rights.models import Objection

from .entry_forms import required

REASON_HELP = "不成立时写明核查依据；成立时写明更正或撤销了什么"


class ObjectionDecision(forms.Form):
    upheld = forms.TypedChoiceField(
        label="核查结论",
        choices=[("0", "异议不成立（恢复标注和措施）"), ("1", "异议成立")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择核查结论"},
    )
    outcome = forms.ChoiceField(
        label="异议成立时的处理",
        choices=[(Objection.Outcome.CORRECTED, "更正该信息"), (Objection.Outcome.REVOKED, "撤销该信息")],
        initial=Objection.Outcome.REVOKED,
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(
        label="理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HELP,
        error_messages=required("理由"),
    )

    def __init__(self, *args, about_entry: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if about_entry:  # a list entry found wrong is revoked, never "corrected"
            del self.fields["outcome"]

    def decision(self) -> dict:
        data = self.cleaned_data
        return {
            "upheld": data["upheld"],
            "reason": data["reason"],
            "outcome": data.get("outcome") or Objection.Outcome.REVOKED,
        }


class RepairDecision(forms.Form):
    approve = forms.TypedChoiceField(
        label="审核结论",
        choices=[("1", "准予修复"), ("0", "不予修复")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择审核结论"},
    )
    reason = forms.CharField(
        label="理由",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="不予修复须写明理由；准予修复可写明办理意见",
    )
