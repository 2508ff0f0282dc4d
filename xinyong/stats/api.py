import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from xinyong.accounts.auth import roles
from xinyong.accounts.roles import OVERSEERS
from xinyong.core import clock
from xinyong.core.errors import InvalidInput
from xinyong.core.responses import Out, errors, file_answer
from xinyong.core.schemas import PeriodQuery

from . import exports, selectors

router = Router(tags=["statistics"])
READERS = roles(OVERSEERS)


class MonthQuery(Schema):
    month: str
    format: str = "json"


class PublicityOut(Out):
    total: int
    on_time: int
    late: int
    overdue: int
    pending: int
    on_time_rate: float | None = Field(examples=[0.9333])


class HandlingOut(Out):
    decided: int
    on_time: int
    overdue_open: int = Field(description="逾期未办结")


class DepartmentStatisticsOut(Out):
    department: str = Field(examples=["SCJG"])
    department_name: str = Field(examples=["区市场监管局"])
    records_pushed: int
    publicity: PublicityOut
    entries_initiated: int
    checks: int
    restricted: int
    feedback: int
    feedback_rate: float | None
    mean_feedback_hours: float | None
    tasks_overdue: int
    objections: HandlingOut
    repairs: HandlingOut
    lagging: bool = Field(description="工作滞后")
    lagging_reasons: list[str] = Field(examples=[["双公示按时率 33% 低于 90%"]])


class PeriodStatisticsOut(Out):
    start: dt.date
    end: dt.date
    departments: list[DepartmentStatisticsOut]


class MonthlyReportOut(Out):
    month: str = Field(examples=["2025-02"])
    title: str = Field(examples=["2025年2月社会信用体系建设跟踪问效通报"])
    departments: list[DepartmentStatisticsOut]
    lagging: list[str] = Field(description="工作滞后部门编码")


@router.get(
    "/statistics/departments",
    auth=READERS,
    response={200: PeriodStatisticsOut, **errors(401, 403, 422)},
    summary="各部门跟踪问效统计（任意时段）",
)
def department_statistics(request, params: Query[PeriodQuery]):
    rows = selectors.department_statistics(params.start, params.end, clock.today())
    return {"start": params.start, "end": params.end, "departments": rows}


@router.get(
    "/statistics/monthly",
    auth=READERS,
    response={200: MonthlyReportOut, **errors(401, 403, 422)},
    openapi_extra=file_answer(
        "format=json 时为 JSON，xlsx、pdf 时为文件",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/pdf",
    ),
    summary="月度通报：各部门统计与工作滞后部门（json / xlsx / pdf）",
)
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
