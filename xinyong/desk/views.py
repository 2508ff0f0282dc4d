"""Workbench pages (工作台, architecture §4b). Each view parses its form, calls a selector or an audited
service with the signed-in user as actor, and renders; who may open it is `desk_page`'s role set."""

from xinyong.core import clock

from . import todo
from .access import desk_page
from .pages import render_page


@desk_page()
def home(request):
    """待办: the department's open tasks and the feedback its checks await, oldest due first."""
    user = request.user
    items, total = todo.for_department(user.department, clock.today()) if user.department_id else ([], 0)
    return render_page(request, "desk/home.html", {"items": items, "total": total, "today": clock.today()})
