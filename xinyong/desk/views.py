"""Workbench pages (工作台, architecture §4b). Each view parses its form, calls a selector or an audited
service with the signed-in user as actor, and renders; who may open it is `desk_page`'s role set — the
set the matching API endpoint uses."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from xinyong.accounts.selectors import department_of
from xinyong.checks import selectors as checks
from xinyong.checks import services as check_services
from xinyong.checks.api import TASK_ROLES
from xinyong.core import clock
from xinyong.core.pagination import PageOutOfRange, page_number, pager, paginate

from . import todo
from .access import desk_page, not_found
from .forms import STATE_NAMES, CloseTask, TaskFilter
from .pages import render_page

PAGE_SIZE = 20
MAX_PAGE = 50


def _page(request, queryset):
    """(items, pager) of the page asked for; PageOutOfRange past MAX_PAGE."""
    number = page_number(request, MAX_PAGE)
    page = paginate(queryset, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    return page.items, pager(request, page, number, size=PAGE_SIZE, max_page=MAX_PAGE)


@desk_page()
def home(request):
    """待办: the department's open tasks and the feedback its checks await, oldest due first."""
    user = request.user
    items, total = todo.for_department(user.department, clock.today()) if user.department_id else ([], 0)
    return render_page(request, "desk/home.html", {"items": items, "total": total})


@desk_page(TASK_ROLES.roles)
def tasks(request):
    """推送任务: the department's inbox by state (open, overdue, done) and kind."""
    department = department_of(request.user)
    filters = TaskFilter(request.GET)
    state, action = filters.values()
    found = checks.department_tasks(department, state=state, today=clock.today(), action=action)
    try:
        items, page = _page(request, found)
    except PageOutOfRange:
        return not_found(request, f"最多浏览前 {MAX_PAGE} 页，请按事项类型筛选。")
    tabs = [
        {"state": s, "name": name, "url": _tasks_url(s, action), "current": s == state}
        for s, name in STATE_NAMES.items()
    ]
    context = {"tasks": items, "pager": page, "filters": filters, "state": state, "action": action, "tabs": tabs}
    return render_page(request, "desk/tasks.html", {**context, "close_form": CloseTask()})


def _tasks_url(state: str, action: str = "") -> str:
    query = f"?state={state}" + (f"&action={action}" if action else "")
    return reverse("desk:tasks") + query


@desk_page(TASK_ROLES.roles)
@require_POST
def close_task(request, task_id: int):
    """Mark a task handled, with a note (audited; another department's task is not found)."""
    form = CloseTask(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(form.errors["note"]))
        return redirect(_tasks_url("open"))
    task = check_services.close_task(
        actor=request.actor, department=department_of(request.user), task_id=task_id, note=form.cleaned_data["note"]
    )
    messages.success(request, f"已标记为已处理：{task.get_action_display()}（{task.reason}）。")
    return redirect(_tasks_url("open"))
