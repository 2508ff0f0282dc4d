import datetime as dt

from xinyong.core.daily import daily_job

from . import services


@daily_job("list_entries_expire")
def list_entries_expire(today: dt.date) -> dict:
    return services.expire_entries(today=today)
