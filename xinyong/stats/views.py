"""The credit office's dashboard (R28): any period's figures per department, lagging departments first,
and the same report as Excel or PDF for the browser's session (no API token needed)."""

import datetime as dt

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from xinyong.accounts.selectors import oversees
from xinyong.core import clock

from . import exports, selectors


@staff_member_required
def dashboard(request):
    if not oversees(request.user):
        raise PermissionDenied
    today = clock.today()
    start, end, problem = _period(request.GET, today)
    rows = selectors.department_statistics(start, end, today)
    rows.sort(key=lambda r: (not r["lagging"], r["department"]))
    title = selectors.report_title(start, end)
    file_format = request.GET.get("format", "")
    if file_format in exports.FORMATS and not problem:
        return exports.download(rows, title, file_format, f"tracking-{start}-{end}")
    bars = [
        {
            "name": r["department_name"],
            "publicity": _width(r["publicity"]["on_time_rate"]),
            "feedback": _width(r["feedback_rate"]),
            "row": r,
        }
        for r in rows
    ]
    context = {
        **admin.site.each_context(request),
        "title": title,  # the heading, and with the site's name the browser's title
        "problem": problem,
        "month": f"{start:%Y-%m}",
        "start": start,
        "end": end,
        "rows": rows,
        "bars": bars,
        "lagging": [r for r in rows if r["lagging"]],
    }
    return render(request, "stats/dashboard.html", context)


def _period(query, today: dt.date) -> tuple[dt.date, dt.date, str]:
    """(start, end, problem): a month (`month=YYYY-MM`), any days (`start`, `end`), or this month. A
    period that cannot be read falls back to this month and says why."""
    this_month = selectors.month_bounds(f"{today:%Y-%m}")
    if query.get("start") or query.get("end"):
        try:
            start, end = dt.date.fromisoformat(query.get("start", "")), dt.date.fromisoformat(query.get("end", ""))
        except ValueError:
            return (*this_month, "起止日期应为 YYYY-MM-DD 格式，已显示本月")
        if end < start:
            return (*this_month, "结束日期早于开始日期，已显示本月")
        return start, end, ""
    month = query.get("month", "")
    if not month:
        return (*this_month, "")
    if not selectors.MONTH.fullmatch(month):
        return (*this_month, "月份应为 YYYY-MM 格式，已显示本月")
    return (*selectors.month_bounds(month), "")


def _width(rate) -> int | None:
    return None if rate is None else round(rate * 100)
