"""Tests for the working-day calendar (xinyong.core.calendar and its models, migration and admin)."""

import datetime as dt
import json
from pathlib import Path

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinyong.core import calendar
from xinyong.core.calendar import (
    CalendarMissing,
    add_working_days,
    clear_cache,
    is_working_day,
    working_days_between,
)
from xinyong.core.errors import DomainError, InvalidInput
from xinyong.core.models import CalendarDay, CalendarYear

D = dt.date
FIRST, LAST = D(2025, 1, 1), D(2026, 12, 31)
FIXTURE = Path(calendar.__file__).resolve().parent / "fixtures" / "calendar_2025_2026.json"

pytestmark = pytest.mark.django_db

db_hypothesis = settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def fresh_cache():
    clear_cache()
    yield
    clear_cache()


def every_day(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def walk(start: dt.date, n: int) -> dt.date:
    """The obvious day-by-day definition, for comparison."""
    day = start
    while n:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def add_year_2027() -> CalendarYear:
    """What the credit office does in the admin: the year, its holidays and make-up days."""
    year = CalendarYear.objects.create(year=2027, notice="国办发明电〔2026〕99号（测试）")
    CalendarDay.objects.create(calendar_year=year, date=D(2027, 1, 1), kind="holiday", name="元旦")
    CalendarDay.objects.create(calendar_year=year, date=D(2027, 1, 2), kind="holiday", name="元旦")
    CalendarDay.objects.create(calendar_year=year, date=D(2027, 1, 3), kind="holiday", name="元旦")
    CalendarDay.objects.create(calendar_year=year, date=D(2027, 1, 9), kind="workday", name="元旦")
    return year


# --- Examples ------------------------------------------------------------------------------------


def test_spring_festival_2025_example():
    # Fri 01-24; Sun 01-26 is a make-up working day; 01-28..02-04 off; Sat 02-08 works.
    assert add_working_days(D(2025, 1, 24), 7) == D(2025, 2, 10)
    assert [add_working_days(D(2025, 1, 24), n) for n in range(1, 8)] == [
        D(2025, 1, 26),
        D(2025, 1, 27),
        D(2025, 2, 5),
        D(2025, 2, 6),
        D(2025, 2, 7),
        D(2025, 2, 8),
        D(2025, 2, 10),
    ]
    assert working_days_between(D(2025, 1, 24), D(2025, 2, 10)) == 7


def test_spring_festival_2026():
    assert is_working_day(D(2026, 2, 14))  # Saturday, make-up working day
    assert not is_working_day(D(2026, 2, 16))  # Monday in the holiday
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert add_working_days(D(2026, 2, 14), 5) == D(2026, 2, 28)  # 24, 25, 26, 27, Sat 28
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1


def test_national_day_2026():
    assert add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)  # Sunday, make-up working day
    assert add_working_days(D(2026, 9, 24), 1) == D(2026, 9, 28)  # 中秋 09-25..27 off
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)  # 国庆 10-01..07 off
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)  # Saturday, make-up working day
    assert add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 9)) == 2


def test_national_day_2025():
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert add_working_days(D(2025, 9, 30), 3) == D(2025, 10, 11)


def test_across_new_year():
    # 2026-01-01..03 off, Sunday 01-04 works.
    assert add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 4)
    assert working_days_between(D(2025, 12, 1), D(2026, 1, 31)) == walk_count(D(2025, 12, 1), D(2026, 1, 31))
    assert add_working_days(D(2025, 1, 1), 400) == walk(D(2025, 1, 1), 400)


def walk_count(start: dt.date, end: dt.date) -> int:
    return sum(is_working_day(d) for d in every_day(start + dt.timedelta(days=1), end))


def test_zero_and_empty_ranges():
    assert add_working_days(D(2025, 1, 28), 0) == D(2025, 1, 28)  # a holiday start stays as it is
    assert working_days_between(D(2025, 3, 3), D(2025, 3, 3)) == 0
    assert working_days_between(D(2025, 3, 10), D(2025, 3, 3)) == 0
    assert working_days_between(D(2025, 3, 7), D(2025, 3, 9)) == 0  # a weekend


@pytest.mark.parametrize("n", [-1, -30])
def test_negative_n_is_invalid(n):
    with pytest.raises(InvalidInput):
        add_working_days(D(2025, 3, 3), n)


def test_datetime_start_counts_by_its_date():
    assert add_working_days(dt.datetime(2025, 1, 24, 17, 30), 7) == D(2025, 2, 10)


# --- Missing years -------------------------------------------------------------------------------


def test_missing_2027_raises_naming_the_year():
    with pytest.raises(CalendarMissing) as caught:
        add_working_days(D(2026, 12, 25), 10)
    error = caught.value
    assert "2027" in error.message and "2027" in str(error)
    assert error.year == 2027
    assert error.details == [{"year": 2027}]
    assert (error.status, error.code) == (422, "calendar_missing")
    assert isinstance(error, DomainError)
    assert error.as_body()["error"]["code"] == "calendar_missing"
    with pytest.raises(CalendarMissing, match="2027"):
        is_working_day(D(2027, 1, 4))
    with pytest.raises(CalendarMissing, match="2027"):
        working_days_between(D(2026, 12, 1), D(2027, 1, 10))


def test_2024_has_no_data_and_is_not_guessed():
    with pytest.raises(CalendarMissing, match="2024") as caught:
        is_working_day(D(2024, 6, 3))
    assert caught.value.year == 2024
    with pytest.raises(CalendarMissing, match="2024"):
        add_working_days(D(2024, 12, 20), 5)
    with pytest.raises(CalendarMissing, match="2024"):
        working_days_between(D(2024, 12, 1), D(2025, 1, 10))


def test_only_days_after_start_are_consulted():
    # The count starts the day after the event, so an event on 2024-12-31 needs only 2025.
    assert add_working_days(D(2024, 12, 31), 1) == D(2025, 1, 2)
    assert working_days_between(D(2024, 12, 31), D(2025, 1, 3)) == 2


# --- Data entered in the admin (through the ORM) and the cache -----------------------------------


def test_adding_2027_is_seen_at_once():
    with pytest.raises(CalendarMissing):
        add_working_days(D(2026, 12, 31), 1)  # the missing year is now cached as missing
    year = add_year_2027()
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert is_working_day(D(2027, 1, 9))  # Saturday make-up day
    assert not is_working_day(D(2027, 1, 2))

    # An edit of one day is seen at once too.
    CalendarDay.objects.filter(date=D(2027, 1, 3)).get().delete()
    assert not is_working_day(D(2027, 1, 3))  # still a Sunday
    day = CalendarDay.objects.get(date=D(2027, 1, 1))
    day.kind, day.name = "holiday", "元旦（改）"
    day.save()
    CalendarDay.objects.create(calendar_year=year, date=D(2027, 1, 4), kind="holiday", name="测试")
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 5)

    year.delete()
    with pytest.raises(CalendarMissing, match="2027"):
        is_working_day(D(2027, 1, 4))


def test_rolled_back_year_does_not_linger_in_the_cache():
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        add_year_2027()
        assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
        raise Abort
    assert not CalendarYear.objects.filter(year=2027).exists()
    with pytest.raises(CalendarMissing, match="2027"):
        add_working_days(D(2026, 12, 31), 1)


def test_commit_drops_the_cache_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        add_year_2027()
        # Another thread could fill the cache from the pre-commit state meanwhile; simulate it.
        calendar._cache[2027] = (float("inf"), None)
    assert callbacks, "the change registered an on-commit invalidation"
    assert is_working_day(D(2027, 1, 4))


def test_cache_expires_for_changes_made_by_other_processes(monkeypatch):
    assert is_working_day(D(2025, 3, 3))
    # Another process (no signal here) marks 2025-03-03 a holiday: this one sees it after the TTL.
    CalendarDay.objects.bulk_create(
        [CalendarDay(calendar_year=CalendarYear.objects.get(year=2025), date=D(2025, 3, 3), kind="holiday")]
    )
    assert is_working_day(D(2025, 3, 3))
    now = calendar.time.monotonic()
    monkeypatch.setattr(calendar.time, "monotonic", lambda: now + calendar.CACHE_TTL_SECONDS + 1)
    assert not is_working_day(D(2025, 3, 3))


def test_admin_adds_a_year_with_inline_days(admin_client):
    assert admin_client.get("/admin/core/calendaryear/").status_code == 200
    assert admin_client.get("/admin/core/calendaryear/add/").status_code == 200
    prefix = "days"
    form = {
        "year": "2027",
        "notice": "测试通知",
        "published_on": "",
        "note": "",
        f"{prefix}-TOTAL_FORMS": "3",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-date": "2027-01-01",
        f"{prefix}-0-kind": "holiday",
        f"{prefix}-0-name": "元旦",
        f"{prefix}-1-date": "2027-01-09",
        f"{prefix}-1-kind": "workday",
        f"{prefix}-1-name": "元旦",
        f"{prefix}-2-date": "2027-01-05",
        f"{prefix}-2-kind": "workday",
        f"{prefix}-2-name": "错误：星期二",
    }
    response = admin_client.post("/admin/core/calendaryear/add/", form)
    assert response.status_code == 200  # re-shown with the error on the Tuesday "workday"
    assert "调休上班日必须是星期六或星期日" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()

    form[f"{prefix}-2-date"] = "2028-01-01"
    form[f"{prefix}-2-kind"] = "holiday"
    response = admin_client.post("/admin/core/calendaryear/add/", form)
    assert response.status_code == 200
    assert "不在 2027 年内" in response.content.decode()

    form[f"{prefix}-TOTAL_FORMS"] = "2"
    response = admin_client.post("/admin/core/calendaryear/add/", form)
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).days.count() == 2
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert is_working_day(D(2027, 1, 9))
    assert admin_client.get("/admin/core/calendaryear/").status_code == 200


# --- Validation ----------------------------------------------------------------------------------


def test_clean_rejects_a_weekday_workday():
    year = CalendarYear.objects.get(year=2025)
    with pytest.raises(ValidationError) as caught:
        CalendarDay(calendar_year=year, date=D(2025, 3, 4), kind="workday", name="x").full_clean()
    assert "kind" in caught.value.message_dict


def test_clean_accepts_weekend_workday_and_any_holiday():
    year = CalendarYear.objects.get(year=2025)
    CalendarDay(calendar_year=year, date=D(2025, 3, 8), kind="workday").full_clean()  # Saturday
    CalendarDay(calendar_year=year, date=D(2025, 3, 4), kind="holiday").full_clean()  # Tuesday
    CalendarDay(calendar_year=year, date=D(2025, 3, 9), kind="holiday").full_clean()  # Sunday


def test_clean_rejects_a_date_outside_its_year():
    year = CalendarYear.objects.get(year=2025)
    with pytest.raises(ValidationError) as caught:
        CalendarDay(calendar_year=year, date=D(2026, 3, 4), kind="holiday").full_clean()
    assert "date" in caught.value.message_dict


# --- The default data ----------------------------------------------------------------------------


def test_migration_loaded_2025_and_2026():
    years = {y.year: y for y in CalendarYear.objects.all()}
    assert years[2025].notice == "国办发明电〔2024〕12号"
    assert years[2026].notice == "国办发明电〔2025〕7号"
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    days = [o for o in fixture if o["model"] == "core.calendarday"]
    assert CalendarDay.objects.filter(calendar_year__year__in=[2025, 2026]).count() == len(days)
    for obj in days:
        day = D.fromisoformat(obj["fields"]["date"])
        assert day.year == obj["fields"]["calendar_year"][0]
        CalendarDay.objects.get(date=day).full_clean()


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_agrees_with_chinesecalendar(year):
    disagreements = [
        (day.isoformat(), is_working_day(day))
        for day in every_day(D(year, 1, 1), D(year, 12, 31))
        if is_working_day(day) != chinese_calendar.is_workday(day)
    ]
    assert disagreements == []


def test_make_up_days_agree_with_chinesecalendar():
    ours = set(
        CalendarDay.objects.filter(calendar_year__year__in=[2025, 2026], kind="workday").values_list("date", flat=True)
    )
    theirs = {d for d in every_day(FIRST, LAST) if d.weekday() >= 5 and chinese_calendar.is_workday(d)}
    assert ours == theirs
    assert len(ours) == 11


# --- Properties ----------------------------------------------------------------------------------

starts = st.dates(min_value=D(2024, 12, 31), max_value=D(2026, 6, 30))
counts = st.integers(min_value=0, max_value=100)


@db_hypothesis
@given(start=starts, n=st.integers(min_value=1, max_value=100))
def test_result_is_a_working_day_after_start(start, n):
    result = add_working_days(start, n)
    assert result > start
    assert is_working_day(result)
    assert chinese_calendar.is_workday(result)


@db_hypothesis
@given(start=starts, n=counts, m=counts)
def test_monotonic_in_n(start, n, m):
    a, b = add_working_days(start, n), add_working_days(start, m)
    assert (a < b) == (n < m) and (a == b) == (n == m)


@db_hypothesis
@given(start=starts, n=counts)
def test_round_trip_with_working_days_between(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert end == walk(start, n)
    if n:
        # end is the first day with n working days: the day before has one fewer.
        assert working_days_between(start, end - dt.timedelta(days=1)) == n - 1


@pytest.mark.slow  # over a second on an idle machine: out of the fast subset
@db_hypothesis
@given(a=st.dates(min_value=D(2024, 12, 31), max_value=LAST), b=st.dates(min_value=FIRST, max_value=LAST))
def test_between_matches_counting_day_by_day(a, b):
    expected = sum(chinese_calendar.is_workday(d) for d in every_day(a + dt.timedelta(days=1), b))
    assert working_days_between(a, b) == expected
