import datetime as dt

from xinyong.core.daily import daily_job

from . import services


@daily_job("objections_overdue")
def objections_overdue(today: dt.date) -> dict:
    return services.flag_overdue_objections(today=today)
