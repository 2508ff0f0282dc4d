import datetime as dt

from xinyong.core.daily import daily_job

from . import services


@daily_job("list_entries_expire")
def list_entries_expire(today: dt.date) -> dict:
    return services.expire_entries(today=today)


@daily_job("clean_record_publication")
def clean_record_publication(today: dt.date) -> dict:
    return services.publish_clean_record_list(today=today)
