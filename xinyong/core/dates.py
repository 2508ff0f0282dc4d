"""Date parsing and month arithmetic shared by imports, periods and deadlines."""

import calendar
import datetime as dt
import re

from django.db.models import Q

_SEPARATED = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value: object) -> dt.date:
    """Accept what offices export: 2025-01-24, 2025/1/24, 2025.01.24, 20250124, 2025年1月24日,
    a date, or a datetime (XLSX cells). Raises ValueError with a Chinese message otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if " " in text:  # "2025-01-24 00:00:00" from spreadsheets
        text = text.split(" ", 1)[0]
    match = _SEPARATED.match(text) or _COMPACT.match(text)
    if not match:
        raise ValueError(f"日期“{value}”格式不正确，应为 YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"日期“{value}”不是有效日期") from None


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later, clamped to the month's end (2024-02-29 + 12 → 2025-02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_covers(on: dt.date, *, start: str = "valid_from", end: str = "valid_to") -> Q:
    """Rows whose period [start, end] includes `on`; an empty bound is open (since ever, until further notice)."""
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": on})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": on})
    )
