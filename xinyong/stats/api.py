import re

from django.http import HttpResponse
from ninja import Query, Router, Schema

from xinyong.accounts.auth import roles
from xinyong.accounts.models import Role
from xinyong.core import clock
from xinyong.core.errors import InvalidInput
from xinyong.core.schemas import PeriodQuery

from . import exports, selectors

router = Router(tags=["跟踪问效"])
READERS = roles(Role.CREDIT_OFFICE, Role.AUDITOR)
FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.to_xlsx),
    "pdf": ("application/pdf", exports.to_pdf),
}


class MonthQuery(Schema):
    month: str
    format: str = "json"


@router.get("/statistics/departments", auth=READERS, summary="各部门跟踪问效统计（任意时段）")
def department_statistics(request, params: Query[PeriodQuery]):
    rows = selectors.department_statistics(params.start, params.end, clock.today())
    return {"start": params.start, "end": params.end, "departments": rows}


@router.get("/statistics/monthly", auth=READERS, summary="月度通报：各部门统计与工作滞后部门（json / xlsx / pdf）")
def monthly_report(request, params: Query[MonthQuery]):
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", params.month):
        raise InvalidInput("month 格式应为 YYYY-MM", code="invalid_month")
    if params.format not in ("json", *FORMATS):
        raise InvalidInput("format 可选：json、xlsx、pdf", code="invalid_format")
    start, end = selectors.month_bounds(params.month)
    rows = selectors.department_statistics(start, end, clock.today())
    title = f"{params.month[:4]}年{int(params.month[5:])}月社会信用体系建设跟踪问效通报"
    if params.format == "json":
        return {
            "month": params.month,
            "title": title,
            "departments": rows,
            "lagging": [r["department"] for r in rows if r["lagging"]],
        }
    content_type, render = FORMATS[params.format]
    response = HttpResponse(render(rows, title), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="tracking-{params.month}.{params.format}"'
    return response
