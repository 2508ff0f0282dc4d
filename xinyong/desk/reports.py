"""失信举报 (R25, architecture §4b): the credit office triages each report — assigns it to a department (not
the reported body itself) or declines it with a reason; the handling department accepts, records its
investigation, concludes and writes the reply the reporter reads with the query code. Every step is the
audited `portal.services` function the API calls. The reporter's identity and the attachments are on the
assigned handler's page only (`portal.selectors.report_body`), never in a list (000 §12: 对举报人信息严格保密)."""

import datetime as dt

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from xinyong.accounts.models import Role
from xinyong.accounts.roles import REPORT_HANDLERS, REPORT_READERS, SUBJECT
from xinyong.accounts.selectors import active_departments
from xinyong.core import clock
from xinyong.core.deadlines import deadline, warning_days, with_deadlines
from xinyong.core.errors import DomainError
from xinyong.core.pagination import PageOutOfRange
from xinyong.portal import selectors, services
from xinyong.portal.models import DishonestyReport
from xinyong.stats.selectors import handling_figures

from .access import desk_page, not_found
from .form_errors import put_on_form
from .pages import render_page
from .queues import QueueFilter
from .report_forms import AcceptForm, AssignForm, ConcludeForm, InvestigateForm, RejectForm, ReplyForm
from .views import MAX_PAGE, _page

# As the API's report endpoints: reading is the government's (a department its own reports, the credit
# office and auditors all); triage is the credit office's; the handling steps the handling department's.
READ = REPORT_READERS - {SUBJECT}
HANDLE = REPORT_HANDLERS
TRIAGE = frozenset({Role.CREDIT_OFFICE})
# Each step: its form, the service, who may take it (`triage` or the handler), and what the page says.
STEPS = {
    "assign": (AssignForm, services.assign, "triage", "已分办，承办部门将在期限内办理并答复举报人。"),
    "reject": (RejectForm, services.reject, "triage", "已决定不予受理，举报人凭查询码可查看理由。"),
    "accept": (AcceptForm, services.accept, "handler", "已受理该举报。"),
    "investigate": (InvestigateForm, services.investigate, "handler", "已记录调查核实情况。"),
    "conclude": (ConcludeForm, services.conclude, "handler", "已办结，请答复举报人。"),
    "reply": (ReplyForm, services.reply, "handler", "已答复，举报人凭举报编号和查询码可查看答复。"),
}


STEP_NAMES = {
    "submit": "举报人提交",
    "assign": "信用办分办",
    "reject": "信用办不予受理",
    "accept": "承办部门受理",
    "investigate": "调查核实",
    "conclude": "办结",
    "reply": "答复举报人",
}


def _tabs(states: dict[str, str], state: str, department: str) -> list[dict]:
    also = f"&department={department}" if department else ""
    return [{"name": name, "url": f"?state={k}{also}", "current": k == state} for k, name in states.items()]


@desk_page(READ)
def queue(request):
    today = clock.today()
    user = request.user
    overseer = user.has_role(Role.CREDIT_OFFICE, Role.AUDITOR)
    states = {k: v for k, v in selectors.REPORT_STATES.items() if overseer or k != "triage"}
    filters = QueueFilter(request.GET, departments=active_departments() if overseer else [], states=states)
    state, department = filters.values()
    try:
        items, page = _page(request, selectors.report_queue(user, state=state, today=today, department=department))
    except PageOutOfRange:
        return not_found(request, f"最多浏览前 {MAX_PAGE} 页，请按承办部门筛选。")
    figures = (
        handling_figures(
            DishonestyReport,
            dt.date(today.year, 1, 1),
            today,
            today,
            done_field="replied_at",
            open_statuses=selectors.OPEN_REPORTS,
        )
        if overseer
        else []
    )
    context = {
        "items": with_deadlines(items, today),
        "pager": page,
        "state": state,
        "tabs": _tabs(states, state, department),
        "filters": filters,
        "overseer": overseer,
        "figures": figures,
    }
    return render_page(request, "desk/reports/queue.html", context)


def _forms_for(request, report: DishonestyReport, bound: dict) -> dict:
    """The step forms this user may submit now (one bound with errors when it was just refused)."""
    user = request.user
    may = {"triage": user.has_role(*TRIAGE), "handler": selectors.is_handler(user, report) and user.has_role(*HANDLE)}
    forms = {}
    for step, (form_class, _, who, _) in STEPS.items():
        if not may[who] or report.status not in selectors.STEP_FROM[step]:
            continue
        extra = {"departments": selectors.assignable_departments(report)} if step == "assign" else {}
        forms[step] = bound.get(step) or form_class(prefix=step, **extra)
    return forms


def _report_page(request, report_id: int, bound: dict | None = None, status=200):
    body = services.read_report(actor=request.actor, user=request.user, report_id=report_id)
    report = selectors.visible_report(request.user, report_id)
    steps = [{**s, "name": STEP_NAMES.get(s["action"], s["action"])} for s in body.get("steps", [])]
    context = {
        "steps": steps,
        "report": report,
        "body": body,
        "deadline": deadline(report.due_on, clock.today(), warning=warning_days()),
        "forms": _forms_for(request, report, bound or {}),
    }
    return render_page(request, "desk/reports/report.html", context, status=status)


@desk_page(READ)
def report(request, report_id: int):
    return _report_page(request, report_id)


@desk_page(HANDLE)
@require_POST
def step(request, report_id: int, action: str):
    if action not in STEPS:
        return not_found(request)
    form_class, service, _, done = STEPS[action]
    found = selectors.visible_report(request.user, report_id)  # another department's: not found
    extra = {"departments": selectors.assignable_departments(found)} if action == "assign" else {}
    form = form_class(request.POST, prefix=action, **extra)
    if form.is_valid():
        try:
            service(actor=request.actor, user=request.user, report_id=report_id, **form.arguments())
        except DomainError as error:
            put_on_form(form, error)
        else:
            messages.success(request, done)
            # The credit office's page of an assigned report has nothing left to do: back to the queue.
            return (
                redirect("desk:report", report_id) if action not in ("assign", "reject") else redirect("desk:reports")
            )
    return _report_page(request, report_id, bound={action: form}, status=422)


@desk_page(HANDLE)
def attachment(request, report_id: int, attachment_id: int):
    """Download an attachment: the handling department's only (to anyone else it does not exist); audited."""
    found, path = services.open_attachment(
        actor=request.actor, user=request.user, report_id=report_id, attachment_id=attachment_id
    )
    return FileResponse(open(path, "rb"), as_attachment=True, filename=found.original_name)  # noqa: SIM115
