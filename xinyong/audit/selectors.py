"""Reading the audit trail as a person does (R29): events filtered by actor, department, object, action
and date, newest first, each with its changes as rows of one field's value before and after."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEvent
from .names import action_name, field_name


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    department: str = ""
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    start: dt.date | None = None
    end: dt.date | None = None

    def given(self) -> dict:
        """The filters asked for (what a query of the trail is recorded with)."""
        return {name: str(value) for name, value in self.__dict__.items() if value}


def _midnight(day: dt.date) -> dt.datetime:
    """The start of a day in the platform's time zone (a date typed by a person is local)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def events(found: AuditFilter) -> QuerySet:
    rows = AuditEvent.objects.all()
    for field, value in (
        ("actor", found.actor),
        ("department", found.department),
        ("object_type", found.object_type),
        ("object_id", found.object_id),
    ):
        if value:
            rows = rows.filter(**{field: value})
    if found.action:  # a whole family (`record`) or one action (`record.publish`)
        rows = rows.filter(action__startswith=found.action)
    if found.start:
        rows = rows.filter(occurred_at__gte=_midnight(found.start))
    if found.end:
        rows = rows.filter(occurred_at__lt=_midnight(found.end + dt.timedelta(days=1)))
    return rows.order_by("-id")


@dataclass(frozen=True)
class Change:
    field: str
    name: str
    before: Any
    after: Any
    changed: bool


_ABSENT = object()


def changes(event: AuditEvent) -> list[Change]:
    """Each field of `before` and `after` with its value in each (None where a side does not have it);
    a side that is not an object (a list, a number) is one row named 内容."""
    before, after = event.before, event.after
    if not isinstance(before, dict) or not isinstance(after, dict):
        if before is None and after is None:
            return []
        if not isinstance(before, dict | None) or not isinstance(after, dict | None):
            return [Change("", "内容", before, after, before != after)]
        before, after = before or {}, after or {}
    keys = list(before) + [key for key in after if key not in before]
    rows = []
    for key in keys:
        old, new = before.get(key, _ABSENT), after.get(key, _ABSENT)
        rows.append(
            Change(
                key,
                field_name(key),
                None if old is _ABSENT else old,
                None if new is _ABSENT else new,
                old is not _ABSENT and new is not _ABSENT and old != new,
            )
        )
    return rows


def named(event: AuditEvent) -> str:
    return action_name(event.action)


def action_families() -> list[tuple[str, str]]:
    """(code prefix, Chinese name) of the objects the trail names, for the action filter."""
    from .names import OBJECTS

    return sorted(((code, name) for code, name in OBJECTS.items() if "." not in code), key=lambda item: item[1])
