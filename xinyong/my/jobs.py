import datetime as dt

from xinyong.core.daily import daily_job

from .services import notices


@daily_job("subject_notices")
def subject_notices(today: dt.date) -> dict:
    return notices.daily_notices(today=today)
