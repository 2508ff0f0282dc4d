import datetime as dt

from xinyong.core.daily import daily_job

from . import services


@daily_job("double_publicity_overdue")
def double_publicity_overdue(today: dt.date) -> dict:
    return services.flag_overdue_publicity(today=today)
