"""Forms of the 信用监管 pages: parsing only, in Chinese; every rule is the supervision services'."""

from django import forms

from xinyong.subjects.models import Subject
from xinyong.supervision.models import Commitment, InspectionResult, Interview
from xinyong.supervision.services.commitments import BREACH_KINDS

from ..entry_forms import DATE, DATE_ERRORS, required

ROWS = {"rows": 2}


def text(label: str, max_length: int, *, optional: bool = False, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=not optional,
        widget=forms.Textarea(attrs=ROWS),
        error_messages=required(label),
        **kwargs,
    )


def line(label: str, max_length: int, *, optional: bool = False, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=not optional, error_messages=required(label), **kwargs
    )


def date(label: str, *, optional: bool = True, **kwargs) -> forms.DateField:
    errors = {**DATE_ERRORS, "required": f"请填写{label}"}
    return forms.DateField(label=label, required=not optional, widget=DATE, error_messages=errors, **kwargs)


SUBJECT = {"label": "统一社会信用代码或身份证号", "max_length": 40}


class StatusFilter(forms.Form):
    """A list's state filter: `default` (the open ones) until the user picks one, 全部 included."""

    status = forms.ChoiceField(label="状态", required=False)

    def __init__(self, data, *, choices=(), default: str = ""):
        super().__init__(data if data and "status" in data else None, initial={"status": default})
        self.default = default
        self.fields["status"].choices = [("", "全部"), *choices]

    def value(self) -> str:
        if not self.is_bound:
            return self.default
        return self.cleaned_data["status"] if self.is_valid() else self.default


# ---- commitments ----------------------------------------------------------------------------------


class FulfilForm(forms.Form):
    note = text("履约核查情况", 500, optional=True, help_text="如：材料已补齐、现场核查通过；不填为“已践诺”")


class BreachForm(forms.Form):
    breach_kind = forms.ChoiceField(
        label="违诺情形", choices=list(BREACH_KINDS.items()), initial="violated", widget=forms.RadioSelect
    )
    reason = text("违诺事实与证据", 500, help_text="写明违诺事实及证据（文书号、核查记录等）；将生成失信信息")


# ---- rectification and interviews ---------------------------------------------------------------


class OrderForm(forms.Form):
    subject = line(**SUBJECT)
    document_number = line("责令整改文书号", 100)
    reason = text("失信行为或问题", 2000)
    requirements = text("整改要求", 2000)
    deadline = date("整改期限", help_text="或填写下方工作日数")
    working_days = forms.IntegerField(
        label="整改工作日数",
        required=False,
        min_value=1,
        max_value=365,
        help_text="不填整改期限时，按平台工作日历从今天起计算",
        error_messages={"invalid": "请输入整数", "min_value": "至少1个工作日", "max_value": "最多365个工作日"},
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("deadline") and not cleaned.get("working_days"):
            self.add_error("deadline", "请填写整改期限或整改工作日数")
        return cleaned


class CompleteForm(forms.Form):
    note = text("整改情况", 2000)
    rectified_on = date("整改完成日期", help_text="不填为今天")


class InterviewForm(forms.Form):
    subject = line(**SUBJECT, optional=True)
    kind = forms.ChoiceField(label="约谈类型", choices=Interview.Kind.choices, widget=forms.RadioSelect)
    held_on = date("约谈日期", help_text="不填为今天")
    interviewees = line("被约谈人", 200, optional=True, help_text="如：法定代表人 张三")
    content = text("约谈内容及要求", 4000)
    order = forms.IntegerField(label="关联的整改通知", required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("subject") and not cleaned.get("order"):
            self.add_error("subject", "请填写统一社会信用代码或身份证号")
        return cleaned


# ---- inspections --------------------------------------------------------------------------------


class InspectorForm(forms.Form):
    code = line("执法证号", 40)
    name = line("姓名", 50)


class PlanForm(forms.Form):
    name = line("计划名称", 200)
    scope = text("抽查事项和内容", 2000, optional=True)
    kinds = forms.MultipleChoiceField(
        label="主体类型",
        required=False,
        choices=[c for c in Subject.Kind.choices if c[0] != Subject.Kind.NATURAL_PERSON],
        widget=forms.CheckboxSelectMultiple,
        help_text="不选为全部在营市场主体",
    )
    subjects = text(
        "指定抽取范围",
        20000,
        optional=True,
        help_text="统一社会信用代码，每行一个；留空按主体类型从全部在营市场主体中抽取",
    )
    seed = line("随机种子", 100, optional=True, help_text="留空则随机生成；抽取后公布，任何人可据此重新抽取核验")
    inspectors_per_subject = forms.IntegerField(
        label="每户检查人员数",
        required=False,
        min_value=1,
        max_value=10,
        help_text="不填按平台参数",
        error_messages={"invalid": "请输入整数", "min_value": "至少1人", "max_value": "最多10人"},
    )

    def subject_codes(self) -> list[str] | None:
        codes = [code.strip() for code in self.cleaned_data["subjects"].split() if code.strip()]
        return codes or None


class ResultForm(forms.Form):
    result = forms.ChoiceField(label="检查结果", choices=InspectionResult.choices, widget=forms.RadioSelect)
    findings = text("检查情况", 4000, optional=True)
    inspected_on = date("检查日期", help_text="不填为今天")
    rectify_by = date("责令整改期限", help_text="发现问题需整改时填写，将同时下达整改通知")
    document_number = line("责令整改文书号", 100, optional=True)


# ---- watch-list referrals and associations -------------------------------------------------------


class AcceptForm(forms.Form):
    note = line("说明", 500, optional=True)


class DismissForm(forms.Form):
    note = text("不予列入的理由", 500)


class MemberForm(forms.Form):
    subject = line(**SUBJECT)
    member_number = line("会员编号", 50, optional=True)
    joined_on = date("入会日期", help_text="不填为今天")


class IndustryMeasureForm(forms.Form):
    subject = line(**SUBJECT, help_text="“不予接纳”可对非会员实施，其余措施只适用于本协会会员")
    kind = forms.ChoiceField(label="惩戒措施", error_messages={"required": "请选择惩戒措施"})
    document_number = line("决定文书号", 100)
    reason = text("失信事实和依据", 2000)
    decided_on = date("决定日期", optional=False)
    ends_on = date("截止日期", help_text="不填按该措施的默认期限")

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择")] + [(k.code, k.name) for k in kinds]


class RevokeMeasureForm(forms.Form):
    reason = line("撤销理由", 500)


COMMITMENT_STATES = Commitment.Status.choices
