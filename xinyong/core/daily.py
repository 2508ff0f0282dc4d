"""The daily jobs run by `xinyong daily [--date D]` (cron-friendly, idempotent).

Each slice registers its jobs from its AppConfig.ready(); a job takes `today` and returns a dict of
figures that the command prints. Running a day twice changes nothing the second time.
"""

import datetime as dt
from collections.abc import Callable

DailyJob = Callable[[dt.date], dict]
_JOBS: dict[str, DailyJob] = {}


def daily_job(name: str) -> Callable[[DailyJob], DailyJob]:
    def register(job: DailyJob) -> DailyJob:
        _JOBS[name] = job
        return job

    return register


def run_all(today: dt.date) -> dict[str, dict]:
    return {name: job(today) for name, job in _JOBS.items()}
