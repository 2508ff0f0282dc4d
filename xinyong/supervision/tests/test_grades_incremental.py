"""The daily job regrades only the subjects whose inputs changed since its last run and those whose score
moves because time passed (a record leaving its window or its publication, a list entry starting or
ending). Whatever days it runs on, it leaves the grades a full recompute gives."""

import datetime as dt

import psycopg
import pytest
from django.db import connection

from xinyong.core import clock
from xinyong.records import services as records_services
from xinyong.records.models import Record
from xinyong.subjects.models import Subject
from xinyong.supervision.models import Evaluation
from xinyong.supervision.services import grading
from xinyong.testing.factories import uscc
from xinyong.testing.supervision import COMPANY, TODAY, daily, post_penalty, register

LISTED, REWARDED, QUIET = uscc(702), uscc(703), uscc(704)


def grades() -> dict:
    return {
        e.subject.key: (e.grade, e.score, e.contributions, e.expires_on)
        for e in Evaluation.objects.filter(is_current=True).select_related("subject")
    }


def list_entry(api, token, list_type, subject, number, **dates):
    body = {
        "list_type": list_type,
        "subject": subject,
        "basis": "严重违法失信名单管理办法",
        "document_number": number,
        "decided_on": TODAY.isoformat(),
        **{k: v.isoformat() for k, v in dates.items()},
    }
    response = api.post("/list-entries", body, token=token)
    assert response.status_code == 201, response.content
    return response.json()


def changes_nothing_a_full_recompute_would(day: dt.date) -> dict:
    """Run `xinyong daily` for `day`, then a full recompute of every subject: it must find nothing to change."""
    jobs = daily(day)
    incremental = grades()
    with clock.frozen_at(day):
        full = grading.recompute_all(trigger="full")
    assert full["changed"] == 0, day
    assert grades() == incremental, day
    return jobs["grades"]


@pytest.mark.slow  # over a second on an idle machine: out of the fast subset
def test_daily_runs_on_any_days_leave_the_grades_of_a_full_recompute(api, world, monkeypatch):
    for code, name in (
        (LISTED, "九江名单建材有限公司"),
        (REWARDED, "九江守约建材有限公司"),
        (QUIET, "九江安静建材有限公司"),
    ):
        register(api, world["market"], code, name)
    assert grading.recompute_all()["evaluated"] == 4
    # Records arrive as a bulk import delivers them: nobody is told, the daily job catches up.
    monkeypatch.setattr(records_services, "RECORD_DELIVERED", [])
    post_penalty(api, world["market"])  # general, decided 2025-01-24: counts until 2026-01-24
    post_penalty(api, world["market"], serial=701, CF_WSH="柴市监罚〔2025〕702号", CF_YZCD="严重", CF_JDRQ="2025-03-10")
    post_penalty(api, world["market"], serial=703, CF_JDRQ="2025-05-01")
    # An entry decided today that starts in five days: no event marks the day it starts to count.
    later = list_entry(
        api,
        world["market"],
        "black_market_serious_violation",
        LISTED,
        "柴市监严〔2025〕1号",
        starts_on=TODAY + dt.timedelta(days=5),
        ends_on=dt.date(2025, 9, 30),
    )
    assert later["starts_on"] == "2025-06-08"
    list_entry(
        api, world["market"], "red_contract_credit", REWARDED, "柴市监守〔2025〕1号", ends_on=dt.date(2025, 12, 31)
    )

    # The company's new records; the other two only re-read (their entries graded them at once).
    assert changes_nothing_a_full_recompute_would(TODAY) == {"evaluated": 3, "changed": 1}
    assert grades()[LISTED][0:2] == ("B", 80)  # the entry does not count yet
    assert changes_nothing_a_full_recompute_would(TODAY + dt.timedelta(days=1))["changed"] == 0
    # The job did not run on the start day: the next run catches up with the entry that began to count.
    assert changes_nothing_a_full_recompute_would(dt.date(2025, 6, 10)) == {"evaluated": 1, "changed": 1}
    assert grades()[LISTED][0:2] == ("D", 40)
    for day in (dt.date(2025, 9, 30), dt.date(2025, 10, 2), dt.date(2026, 1, 1)):
        changes_nothing_a_full_recompute_would(day)
    assert grades()[REWARDED][0:2] == ("C", 70)  # the red entry ended on 2025-12-31
    # The general penalty leaves its 12-month window: only that company changes (plus, where the job cannot
    # tell that nobody else was writing during the last run — SQLite — one subject of that run read again).
    reread = 1 if grading._others_may_be_writing() else 0
    assert changes_nothing_a_full_recompute_would(dt.date(2026, 1, 25)) == {"evaluated": 1 + reread, "changed": 1}
    assert {code: grade[0:2] for code, grade in grades().items()} == {
        COMPANY: ("D", 55),
        LISTED: ("B", 80),
        REWARDED: ("C", 70),
        QUIET: ("B", 80),
    }


def test_a_run_rereads_the_last_range_only_when_another_session_may_have_been_writing(api, world, monkeypatch):
    register(api, world["market"], LISTED, "九江名单建材有限公司")
    post_penalty(api, world["market"], 71, CF_XDR_SHXYM=LISTED, CF_XDR_MC="九江名单建材有限公司")
    listed = Subject.objects.get(key=LISTED).pk
    since = grading._since_last_runs  # (name, model, subject path) -> subjects with rows since

    monkeypatch.setattr(grading, "_others_may_be_writing", lambda: True)
    assert listed in since("test.records", Record, "subject_id")
    assert listed in since("test.records", Record, "subject_id")  # read again: a late commit may hide below
    assert since("test.records", Record, "subject_id") == set()

    monkeypatch.setattr(grading, "_others_may_be_writing", lambda: False)
    post_penalty(api, world["market"], 72, CF_XDR_SHXYM=LISTED, CF_XDR_MC="九江名单建材有限公司")
    assert since("test.records", Record, "subject_id") == {listed}
    assert since("test.records", Record, "subject_id") == set()  # everything was visible: not read again


@pytest.mark.sqlite_only
def test_sqlite_cannot_tell_other_sessions_so_changes_are_always_read_twice(db):
    assert grading._others_may_be_writing()


@pytest.mark.postgres_only
def test_other_sessions_are_seen_on_postgresql(db):
    assert not grading._others_may_be_writing()
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"], host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"]
    ) as other:
        other.execute("SELECT 1")  # a transaction is open (psycopg does not autocommit by default)
        assert grading._others_may_be_writing()
