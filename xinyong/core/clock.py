"""The one clock every rule reads.

Deadlines, expiry and overdue flags depend on "today"; tests and `xinyong daily --date D` set it
here instead of sleeping or patching the wall clock deep inside a rule (architecture §1).
"""

import contextlib
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen if _frozen is not None else timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


@contextlib.contextmanager
def frozen_at(moment: dt.datetime | dt.date) -> Iterator[None]:
    """Run the block as if the clock showed `moment` (a date means 09:00 local time that day)."""
    global _frozen
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(9, 0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    previous, _frozen = _frozen, moment
    try:
        yield
    finally:
        _frozen = previous
