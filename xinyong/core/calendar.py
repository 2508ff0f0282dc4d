"""Working days (工作日) from the working-day calendar in the database.

A day is a working day when it is Monday–Friday and not a statutory holiday, or when it is a make-up
working day (调休上班). Deadlines in working days count from the day after the event (architecture),
so `add_working_days(start, n)` and `working_days_between(start, end)` both look only at days after
`start`. A year without a `CalendarYear` row is never guessed: touching it raises `CalendarMissing`.

Speed: bulk imports compute a due date for each of hundreds of thousands of rows, so each year is
read once and kept in this process as a flag per day plus a running count of working days; an
addition is then two index look-ups per year crossed, not a walk day by day.

Cache freshness:
- In this process, saving or deleting a `CalendarYear` or `CalendarDay` through the ORM (the admin
  does) drops the cache at once, again when the transaction commits, and also when it is rolled back
  (so a test or a failed admin save leaves no phantom year behind).
- Other processes (other web workers, the task worker) cannot hear those signals; they re-read a year
  at most `CACHE_TTL_SECONDS` (5 minutes) after they loaded it. That delay is acceptable: the calendar
  changes a few times a year, for years that have not started yet.
- Writes that send no signals (`bulk_create`, `QuerySet.update`, raw SQL) are seen after the same
  5 minutes in every process; call `clear_cache()` after such a write to see them at once here.
"""

import contextlib
import datetime as dt
import time
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models.signals import post_delete, post_save

from .errors import DomainError, InvalidInput
from .models import CalendarDay, CalendarYear

__all__ = [
    "CACHE_TTL_SECONDS",
    "CalendarMissing",
    "add_working_days",
    "clear_cache",
    "is_working_day",
    "working_days_between",
]

CACHE_TTL_SECONDS = 300


class CalendarMissing(DomainError):
    """The calendar has no data for a year a calculation needs."""

    status = 422
    code = "calendar_missing"

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year}年的节假日安排尚未录入工作日历，请信用办在管理后台录入国务院办公厅通知后再试",
            details=[{"year": year}],
        )


@dataclass(frozen=True, slots=True)
class _Year:
    year: int
    first: int  # ordinal of 1 January
    flags: bytes  # flags[i] == 1 when day first + i is a working day
    # cumulative[i]: working days among days first .. first + i - 1, so cumulative[0] == 0 and
    # cumulative[-1] is the year's total.
    cumulative: tuple[int, ...]
    working: tuple[int, ...]  # ordinals of the working days, in order
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]


# year -> (expires at, per time.monotonic(); the year's data, or None when the year has no row)
_cache: dict[int, tuple[float, _Year | None]] = {}


def clear_cache() -> None:
    """Forget every year read so far; the next calculation reads the database again."""
    _cache.clear()


def _load(year: int) -> _Year | None:
    calendar_year = CalendarYear.objects.filter(year=year).first()
    if calendar_year is None:
        return None
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for date, kind in CalendarDay.objects.filter(calendar_year=calendar_year).values_list("date", "kind"):
        if date.year != year:
            continue  # misfiled row (model validation rejects these); it never moves another year
        (workdays if kind == CalendarDay.Kind.WORKDAY else holidays).add(date)
    first = dt.date(year, 1, 1)
    size = (dt.date(year, 12, 31) - first).days + 1
    flags = bytearray(size)
    cumulative = [0] * (size + 1)
    working = []
    for i in range(size):
        day = first + dt.timedelta(days=i)
        on = day in workdays if day.weekday() >= 5 else day not in holidays
        if on:
            flags[i] = 1
            working.append(day.toordinal())
        cumulative[i + 1] = cumulative[i] + flags[i]
    return _Year(
        year=year,
        first=first.toordinal(),
        flags=bytes(flags),
        cumulative=tuple(cumulative),
        working=tuple(working),
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
    )


def _year(year: int) -> _Year:
    if _open_changes:
        _forget_rolled_back_changes()
    now = time.monotonic()
    entry = _cache.get(year)
    if entry is None or entry[0] <= now:
        entry = (now + CACHE_TTL_SECONDS, _load(year))
        _cache[year] = entry
    if entry[1] is None:
        raise CalendarMissing(year)
    return entry[1]


def _day_after(day: dt.date) -> dt.date:
    try:
        return day + dt.timedelta(days=1)
    except OverflowError:
        raise InvalidInput("日期超出可计算范围", details=[{"date": day.isoformat()}]) from None


def is_working_day(d: dt.date) -> bool:
    """Whether `d` is a working day; `CalendarMissing` when its year has no calendar."""
    data = _year(d.year)
    return data.flags[d.toordinal() - data.first] == 1


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start`, counting from the day after it (n == 0 returns `start`).

    Fri 2025-01-24 + 7 is Mon 2025-02-10: the make-up Sunday 01-26 counts, the Spring Festival does
    not. Only the years from the day after `start` to the result are consulted.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise InvalidInput("工作日天数必须是整数", details=[{"n": repr(n)}])
    if n < 0:
        raise InvalidInput("工作日天数不能为负数", details=[{"n": n}])
    if n == 0:
        return start
    day = _day_after(start.date() if isinstance(start, dt.datetime) else start)
    data = _year(day.year)
    # Working days of this year before `day`, plus n: the index (1-based) of the result in the year.
    target = data.cumulative[day.toordinal() - data.first] + n
    while target > len(data.working):
        target -= len(data.working)
        data = _year(data.year + 1)
    return dt.date.fromordinal(data.working[target - 1])


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days d satisfy start < d <= end (0 when end <= start).

    `working_days_between(a, add_working_days(a, n)) == n` for every n >= 0.
    """
    if isinstance(start, dt.datetime):
        start = start.date()
    if isinstance(end, dt.datetime):
        end = end.date()
    if end <= start:
        return 0
    day = _day_after(start)
    data = _year(day.year)
    count = -data.cumulative[day.toordinal() - data.first]
    while data.year < end.year:
        count += len(data.working)
        data = _year(data.year + 1)
    return count + data.cumulative[end.toordinal() - data.first + 1]


# --- Invalidation -------------------------------------------------------------------------------
# Changes made inside a transaction that has not ended yet. Each carries a marker: an on-commit
# callback, which Django runs on commit and discards on rollback (of the transaction or of the
# savepoint it was registered in). A marker that is neither pending nor run therefore means the change
# was rolled back, and the cache may hold rows that no longer exist: drop it.
# (While such a transaction is open, other threads of this process may briefly see its rows.)
@dataclass(eq=False, slots=True)
class _OpenChange:
    connection: object
    savepoints: tuple
    marker: object = None


_open_changes: list[_OpenChange] = []


def _is_pending(change: _OpenChange) -> bool:
    pending = getattr(change.connection, "run_on_commit", None) or ()
    return any(entry[1] is change.marker for entry in pending)


def _discard(change: _OpenChange) -> None:
    with contextlib.suppress(ValueError):  # another thread may have got there first
        _open_changes.remove(change)


def _forget_rolled_back_changes() -> None:
    for change in list(_open_changes):
        if not _is_pending(change):
            _discard(change)
            clear_cache()


def _calendar_changed(sender, using=None, **kwargs) -> None:
    clear_cache()
    using = using or "default"
    connection = connections[using]
    if not connection.in_atomic_block:
        return
    savepoints = tuple(connection.savepoint_ids)
    for change in list(_open_changes):
        if change.connection is connection and change.savepoints == savepoints and _is_pending(change):
            return  # this transaction and savepoint are already watched (an admin save writes many days)
    change = _OpenChange(connection, savepoints)

    def marker() -> None:
        # Committed. Other threads of this process may have read the old rows meanwhile.
        _discard(change)
        clear_cache()

    change.marker = marker
    _open_changes.append(change)
    transaction.on_commit(marker, using=using)


def connect() -> None:
    """Drop the cache when calendar rows change (called from `CoreConfig.ready()`)."""
    for model, name in ((CalendarYear, "year"), (CalendarDay, "day")):
        post_save.connect(_calendar_changed, sender=model, dispatch_uid=f"core.calendar.{name}_saved")
        post_delete.connect(_calendar_changed, sender=model, dispatch_uid=f"core.calendar.{name}_deleted")
