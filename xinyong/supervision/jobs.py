import datetime as dt

from xinyong.core.daily import daily_job

from .services import commitments, grading, rectification


@daily_job("commitments_due")
def commitments_due(today: dt.date) -> dict:
    return commitments.close_due(today=today)


@daily_job("rectifications_overdue")
def rectifications_overdue(today: dt.date) -> dict:
    return rectification.escalate_overdue(today=today)


@daily_job("grades")
def grades(today: dt.date) -> dict:
    return grading.refresh_due(today)
