"""我的信用 forms: what a page reads from the request, in Chinese, before calling a service. Choices that
name the subject's own records, entries or accounts are built from the subject's own rows only."""

import datetime as dt

from django import forms
from django.conf import settings

from xinyong.selfreports.models import SelfReport
from xinyong.selfreports.services import COMMITMENT_TEXT

ID_HELP = "18位居民身份证号，仅用于核验身份，加密保存"
TARGET_HELP = "可对本主体的信用信息或名单认定提出"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input (the limits are the portal's attachment rules, checked by the service)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(FilesField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _files_help() -> str:
    return (
        f"PDF、JPG、PNG 格式，最多 {settings.XINYONG_ATTACHMENT_MAX_FILES} 个，"
        f"每个不超过 {settings.XINYONG_ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB"
    )


class Account(forms.Form):
    username = forms.CharField(label="登录用户名", max_length=150, help_text="字母、数字或 @.+-_，用于登录")
    password = forms.CharField(
        label="登录密码", strip=False, widget=forms.PasswordInput(render_value=False), help_text="至少8位，不能过于常见"
    )
    password2 = forms.CharField(label="确认密码", strip=False, widget=forms.PasswordInput)
    email = forms.EmailField(label="电子邮箱（选填）", required=False, help_text="填写后，信用信息变动时可收到邮件提醒")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password2"):
            self.add_error("password2", "两次输入的密码不一致")
        return cleaned


class CompanyRegistration(Account):
    code = forms.CharField(label="统一社会信用代码", max_length=18, min_length=18)
    name = forms.CharField(label="主体名称", max_length=200)
    person_name = forms.CharField(label="法定代表人姓名", max_length=50)
    id_number = forms.CharField(label="法定代表人身份证号", max_length=18, min_length=18, help_text=ID_HELP)
    field_order = ["code", "name", "person_name", "id_number", "username", "password", "password2", "email"]


class PersonRegistration(Account):
    person_name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=18, min_length=18, help_text=ID_HELP)
    field_order = ["person_name", "id_number", "username", "password", "password2", "email"]


class Agent(Account):
    person_name = forms.CharField(label="经办人姓名", max_length=50)
    id_number = forms.CharField(label="经办人身份证号", max_length=18, min_length=18, help_text=ID_HELP)
    field_order = ["person_name", "id_number", "username", "password", "password2", "email"]


def _target_field(choices: list[tuple[str, str]], label: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", "请选择"), *choices], help_text=TARGET_HELP)


def parse_target(value: str) -> tuple[int | None, int | None]:
    """ "record:12" → (12, None); "entry:5" → (None, 5); anything else → (None, None)."""
    kind, _, number = (value or "").partition(":")
    if not number.isdigit() or kind not in ("record", "entry"):
        return None, None
    return (int(number), None) if kind == "record" else (None, int(number))


class Objection(forms.Form):
    reason = forms.CharField(
        label="异议理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="请写明哪项信息有误、正确情况是什么（不超过2000字）",
    )
    attachments = FilesField(label="证明材料", required=False)

    def __init__(self, *args, targets: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"target": _target_field(targets, "异议对象"), **self.fields}
        self.fields["attachments"].help_text = _files_help()


class RepairTarget(forms.Form):
    target = forms.ChoiceField(label="修复对象")

    def __init__(self, *args, targets: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"] = _target_field(targets, "修复对象")


class Repair(forms.Form):
    """The conditions of the deciding department as a checklist, each with its documents."""

    commitment = forms.CharField(
        label="信用承诺",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="公开作出的信用承诺全文，修复后将在平台公示",
    )

    def __init__(self, *args, conditions: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.conditions = []
        for condition in conditions:
            if condition.code == "credit_commitment":
                continue  # met by the commitment written above
            met = forms.BooleanField(label=f"{condition.name}", required=False, help_text=condition.description)
            files = FilesField(label=f"“{condition.name}”的证明材料", required=False, help_text=_files_help())
            self.fields[f"met_{condition.code}"], self.fields[f"files_{condition.code}"] = met, files
            self.conditions.append((condition, self[f"met_{condition.code}"], self[f"files_{condition.code}"]))

    def met(self) -> list[str]:
        return [c.code for c, _, _ in self.conditions if self.cleaned_data.get(f"met_{c.code}")]

    def documents(self) -> list[tuple[str, object]]:
        return [(c.code, f) for c, _, _ in self.conditions for f in self.cleaned_data.get(f"files_{c.code}") or []]


class Commitment(forms.Form):
    template = forms.ChoiceField(label="承诺书模板")
    missing_materials = forms.CharField(
        label="所缺材料（容缺受理时填写）", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reference = forms.CharField(label="关联办件编号（选填）", max_length=100, required=False)
    agree = forms.BooleanField(label="本主体已阅读上述承诺书全文，自愿作出承诺，并同意向社会公开")

    def __init__(self, *args, templates: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [
            ("", "请选择"),
            *((t.code, f"{t.name}（{t.get_kind_display()}）") for t in templates),
        ]


class SelfReportForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=SelfReport.Kind.choices)
    title = forms.CharField(label="标题", max_length=200)
    content = forms.CharField(label="内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.CharField(label="证明材料说明（选填）", max_length=2000, required=False)
    verifier = forms.ChoiceField(label="核实部门")
    commitment = forms.BooleanField(label=f"真实性承诺：{COMMITMENT_TEXT}")

    def __init__(self, *args, departments: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verifier"].choices = [("", "请选择"), *departments]


class Authorisation(forms.Form):
    grantee = forms.ChoiceField(label="被授权机构")
    purpose = forms.CharField(label="查询用途", max_length=200, help_text="例如：流动资金贷款贷前调查")
    valid_from = forms.DateField(label="起始日期", widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}))
    scope = forms.ChoiceField(label="授权范围", widget=forms.RadioSelect)
    categories = forms.MultipleChoiceField(
        label="信息类别（指定类别时选择）", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, grantees, scopes, categories, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grantee"].choices = [("", "请选择"), *grantees]
        self.fields["scope"].choices = scopes
        self.fields["scope"].initial = scopes[0][0]
        self.fields["categories"].choices = categories
        self.fields["valid_from"].initial = today.isoformat()


class QueryFilter(forms.Form):
    department = forms.ChoiceField(label="查询部门", required=False)
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, departments: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "全部"), *departments]


class Reason(forms.Form):
    reason = forms.CharField(label="理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
