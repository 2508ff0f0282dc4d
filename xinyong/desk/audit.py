"""审计日志 (architecture §4b, R29): the audit trail as a person reads it — actions named in Chinese, each
event's before and after as a table of its fields, filters by actor, department, object, action and date —
and 审计链校验, the verification `xinyong audit verify` runs. Reading the trail is a non-public query and
is itself appended to it, with the filters asked for."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from xinyong.accounts.models import Department
from xinyong.accounts.roles import AUDIT_READERS
from xinyong.audit import selectors
from xinyong.audit import services as audit
from xinyong.core.pagination import PageOutOfRange, page_number, pager, paginate

from .access import desk_page, not_found
from .entry_forms import DATE, DATE_ERRORS
from .pages import render_page

PAGE_SIZE = 20
MAX_PAGE = 50


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="操作人", required=False, max_length=150, help_text="用户名，如 scjg")
    department = forms.ChoiceField(label="部门", required=False)
    action = forms.ChoiceField(label="操作类别", required=False)
    object_type = forms.CharField(label="对象类型", required=False, max_length=64, help_text="如 record、commitment")
    object_id = forms.CharField(label="对象标识", required=False, max_length=64)
    start = forms.DateField(label="日期自", required=False, widget=DATE, error_messages=DATE_ERRORS)
    end = forms.DateField(label="日期至", required=False, widget=DATE, error_messages=DATE_ERRORS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.order_by("code").values_list("code", "name")
        self.fields["department"].choices = [("", "全部"), *departments]
        self.fields["action"].choices = [("", "全部"), *selectors.action_families()]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", "结束日期早于开始日期")
        return cleaned

    def audit_filter(self) -> selectors.AuditFilter:
        if not self.is_bound:
            return selectors.AuditFilter()
        return selectors.AuditFilter(**{name: value for name, value in self.cleaned_data.items() if value})


@desk_page(AUDIT_READERS)
def trail(request):
    """The trail, newest first; a filter the form refuses (an unknown department, an inverted period) shows
    its error and queries nothing."""
    form = AuditFilterForm(request.GET or None)
    context = {"form": form, "rows": [], "pager": None}
    if form.is_bound and not form.is_valid():
        return render_page(request, "desk/audit/trail.html", context)
    found = form.audit_filter()
    try:
        number = page_number(request, MAX_PAGE)
    except PageOutOfRange:
        return not_found(request, f"最多浏览前 {MAX_PAGE} 页，请缩小查询条件。")
    page = paginate(selectors.events(found), limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    context["rows"] = [{"event": e, "name": selectors.named(e), "changes": selectors.changes(e)} for e in page.items]
    context["pager"] = pager(request, page, number, size=PAGE_SIZE, max_page=MAX_PAGE)
    audit.record(actor=request.actor, action="audit.query", after={"filters": found.given(), "page": number})
    return render_page(request, "desk/audit/trail.html", context)


@desk_page(AUDIT_READERS)
@require_POST
def verify(request):
    report = audit.verify_recorded(request.actor)
    if report.ok:
        messages.success(request, f"审计链完好：共 {report.checked} 条事件，逐条重算哈希均与记录一致。")
    else:
        messages.error(
            request,
            f"审计链在事件 #{report.first_broken_id} 处断裂：{report.reason}（此前 {report.checked} 条完好）。",
        )
    return redirect("desk:audit")
