"""Request shapes shared by several slices of the API."""

import datetime as dt

from ninja import Schema
from pydantic import model_validator


class PeriodQuery(Schema):
    """A reporting period [start, end], both days included."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self):
        if self.end < self.start:
            raise ValueError("结束日期早于开始日期")
        return self


class StatusPageQuery(Schema):
    """A page of a workflow list, optionally of one status."""

    status: str | None = None
    limit: int = 20
    offset: int = 0
