"""The credit office's dashboard (R28): this month's figures per department, lagging departments first."""

import re

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from xinyong.accounts.models import Role
from xinyong.core import clock

from . import selectors


@staff_member_required
def dashboard(request):
    if not (request.user.is_superuser or request.user.has_role(Role.CREDIT_OFFICE, Role.AUDITOR)):
        raise PermissionDenied
    today = clock.today()
    month = request.GET.get("month", "")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        month = today.strftime("%Y-%m")
    start, end = selectors.month_bounds(month)
    rows = selectors.department_statistics(start, end, today)
    rows.sort(key=lambda r: (not r["lagging"], r["department"]))
    bars = [
        {
            "name": r["department_name"],
            "publicity": _width(r["publicity"]["on_time_rate"]),
            "feedback": _width(r["feedback_rate"]),
            "row": r,
        }
        for r in rows
    ]
    return render(
        request,
        "stats/dashboard.html",
        {"month": month, "rows": rows, "bars": bars, "lagging": [r for r in rows if r["lagging"]]},
    )


def _width(rate) -> int | None:
    return None if rate is None else round(rate * 100)
