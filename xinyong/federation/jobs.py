import datetime as dt

from django.conf import settings

from xinyong.core.daily import daily_job

from . import services


@daily_job("federation_publish")
def federation_publish(today: dt.date) -> dict:
    # Opt-in: an installation without a broker (or a test run) must not try to reach one every day.
    if not settings.XINYONG_NATS_URL:
        return {"skipped": "未配置 XINYONG_NATS_URL"}
    result = services.publish()
    return {"queued": result.queued, "sent": result.sent, "duplicates": result.duplicates}
