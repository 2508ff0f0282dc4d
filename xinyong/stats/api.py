from ninja import Query, Router, Schema

from xinyong.accounts.auth import roles
from xinyong.accounts.roles import OVERSEERS
from xinyong.core import clock
from xinyong.core.errors import InvalidInput
from xinyong.core.schemas import PeriodQuery

from . import exports, selectors

router = Router(tags=["跟踪问效"])
READERS = roles(OVERSEERS)


class MonthQuery(Schema):
    month: str
    format: str = "json"


@router.get("/statistics/departments", auth=READERS, summary="各部门跟踪问效统计（任意时段）")
def department_statistics(request, params: Query[PeriodQuery]):
    rows = selectors.department_statistics(params.start, params.end, clock.today())
    return {"start": params.start, "end": params.end, "departments": rows}


@router.get("/statistics/monthly", auth=READERS, summary="月度通报：各部门统计与工作滞后部门（json / xlsx / pdf）")
def monthly_report(request, params: Query[MonthQuery]):
    if not selectors.MONTH.fullmatch(params.month):
        raise InvalidInput("month 格式应为 YYYY-MM", code="invalid_month")
    if params.format not in ("json", *exports.FORMATS):
        raise InvalidInput("format 可选：json、xlsx、pdf", code="invalid_format")
    start, end = selectors.month_bounds(params.month)
    rows = selectors.department_statistics(start, end, clock.today())
    title = selectors.report_title(start, end)
    if params.format == "json":
        return {
            "month": params.month,
            "title": title,
            "departments": rows,
            "lagging": [r["department"] for r in rows if r["lagging"]],
        }
    return exports.download(rows, title, params.format, f"tracking-{params.month}")
