"""Workbench pages (工作台, architecture §4b). Each view parses its form, calls a selector or an audited
service with the signed-in user as actor, and renders; who may open it is `desk_page`'s role set — the
set the matching API endpoint uses."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xinyong.accounts import selectors as accounts
from xinyong.accounts import services as account_services
from xinyong.accounts.roles import TASK_READERS, TOKEN_MANAGERS
from xinyong.accounts.selectors import department_of
from xinyong.accounts.services import get_department
from xinyong.checks import selectors as checks
from xinyong.core import clock
from xinyong.core.pagination import PageOutOfRange, page_number, pager, paginate
from xinyong.lists.selectors import visible_entry_ids
from xinyong.notices import selectors as notices
from xinyong.notices import services as notice_services
from xinyong.stats import selectors as stats
from xinyong.stats.api import READERS as STATISTICS_READERS

from . import entries, todo
from .access import desk_page, not_found
from .forms import STATE_NAMES, CloseTask, IssueToken, Period, TaskFilter
from .pages import render_page

PAGE_SIZE = 20
MAX_PAGE = 50


def _page(request, queryset):
    """(items, pager) of the page asked for; PageOutOfRange past MAX_PAGE."""
    number = page_number(request, MAX_PAGE)
    page = paginate(queryset, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    return page.items, pager(request, page, number, size=PAGE_SIZE, max_page=MAX_PAGE)


def _entry_links(user, tasks) -> set[int]:
    """The ids of the tasks' entries whose pages this user may open: most tasks are about another
    department's entry, and a link to a refusal helps no one."""
    if not user.has_role(*entries.READ):
        return set()
    return visible_entry_ids(user, (t.entry_id for t in tasks if t.entry_id))


@desk_page()
def home(request):
    """待办: the department's open tasks and the feedback its checks await, oldest due first."""
    user = request.user
    items, total = todo.for_department(user.department, clock.today()) if user.department_id else ([], 0)
    links = _entry_links(user, [item.task for item in items if item.task])
    return render_page(request, "desk/home.html", {"items": items, "total": total, "entry_links": links})


@desk_page(TASK_READERS)
def tasks(request):
    """推送任务: the department's inbox by state (open, overdue, done) and kind."""
    department = department_of(request.user)
    filters = TaskFilter(request.GET)
    state, action = filters.values()
    found = notices.department_tasks(department, state=state, today=clock.today(), action=action)
    try:
        items, page = _page(request, found)
    except PageOutOfRange:
        return not_found(request, f"最多浏览前 {MAX_PAGE} 页，请按事项类型筛选。")
    tabs = [
        {"state": s, "name": name, "url": _tasks_url(s, action), "current": s == state}
        for s, name in STATE_NAMES.items()
    ]
    context = {"tasks": items, "pager": page, "filters": filters, "state": state, "action": action, "tabs": tabs}
    context["entry_links"] = _entry_links(request.user, items)
    return render_page(request, "desk/tasks.html", {**context, "close_form": CloseTask()})


def _tasks_url(state: str, action: str = "") -> str:
    query = f"?state={state}" + (f"&action={action}" if action else "")
    return reverse("desk:tasks") + query


@desk_page(TASK_READERS)
@require_POST
def close_task(request, task_id: int):
    """Mark a task handled, with a note (audited; another department's task is not found)."""
    form = CloseTask(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(form.errors["note"]))
        return redirect(_tasks_url("open"))
    task = notice_services.close_task(
        actor=request.actor, department=department_of(request.user), task_id=task_id, note=form.cleaned_data["note"]
    )
    messages.success(request, f"已标记为已处理：{task.get_action_display()}（{task.reason}）。")
    return redirect(_tasks_url("open"))


@desk_page(TOKEN_MANAGERS)
@never_cache  # a new token is on this page once: no cache may keep it
@require_http_methods(["GET", "POST"])
def tokens(request):
    """接口令牌: issue tokens to the department's own systems' accounts (shown once) and revoke them."""
    manager = request.user
    form = IssueToken(request.POST or None, holders=accounts.token_holders(manager))
    issued = None
    if request.method == "POST" and form.is_valid():
        token, plaintext = account_services.issue_token(
            actor=request.actor,
            manager=manager,
            holder_id=form.cleaned_data["holder"].pk,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
        )
        issued = {"token": token, "plaintext": plaintext}
        form = IssueToken(holders=accounts.token_holders(manager))
    try:
        items, page = _page(request, accounts.manageable_tokens(manager))
    except PageOutOfRange:
        return not_found(request, f"最多浏览前 {MAX_PAGE} 页。")
    context = {"form": form, "issued": issued, "tokens": items, "pager": page, "now": clock.now()}
    return render_page(request, "desk/tokens.html", context)


@desk_page(TOKEN_MANAGERS)
@require_POST
def revoke_token(request, prefix: str):
    token = account_services.withdraw_token(actor=request.actor, manager=request.user, prefix=prefix)
    messages.success(
        request, f"令牌 {token.prefix}（{token.name or '未注明用途'}）已吊销，使用它的系统将无法再调用接口。"
    )
    return redirect("desk:tokens")


def _period(request) -> tuple[Period, dt.date, dt.date]:
    today = clock.today()
    form = Period(request.GET, default=stats.month_bounds(f"{today:%Y-%m}"))
    return form, *form.period()


@desk_page(STATISTICS_READERS.roles)
def statistics(request):
    """统计分析: the loop per department over a period — checks, feedback, tasks pushed, closed, overdue —
    each figure linking to the rows behind it."""
    form, start, end = _period(request)
    rows = checks.department_loop(start, end, clock.today())
    query = f"start={start}&end={end}"
    return render_page(request, "desk/statistics.html", {"form": form, "rows": rows, "query": query})


@desk_page(STATISTICS_READERS.roles)
def statistics_rows(request, department: str, kind: str):
    if kind not in stats.LOOP_ROWS:
        return not_found(request)
    form, start, end = _period(request)
    found = get_department(department)
    try:
        items, page = _page(request, stats.loop_rows(kind, found, start, end, clock.today()))
    except PageOutOfRange:
        return not_found(request, f"最多浏览前 {MAX_PAGE} 页，请缩短统计期间。")
    context = {"department": found, "kind": kind, "title": stats.LOOP_ROWS[kind], "items": items, "pager": page}
    context["entry_links"] = _entry_links(request.user, items) if kind != "feedback" else set()
    return render_page(request, "desk/statistics_rows.html", {**context, "start": start, "end": end, "form": form})
