"""Reading list types and list entries (R6–R11)."""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from xinyong.accounts.selectors import oversees, rows_visible_to
from xinyong.core import clock
from xinyong.core.errors import NotFound
from xinyong.subjects.selectors import get_by_code

from .models import ListEntry, ListEntryEvent, ListType


def active_list_types():
    return ListType.objects.filter(is_active=True)


def list_type_body(list_type: ListType) -> dict:
    return {
        "code": list_type.code,
        "name": list_type.name,
        "kind": list_type.kind,
        "scope": list_type.scope,
        "initiator_department": list_type.initiator_department_code,
        "initiator_name": list_type.initiator_name,
        "entry_criteria": list_type.entry_criteria,
        "legal_basis": list_type.legal_basis,
        "default_period_months": list_type.default_period_months,
        "min_period_months": list_type.min_period_months,
        "max_period_months": list_type.max_period_months,
        "early_exit_rule": list_type.early_exit_rule,
        "early_exit_conditions": list_type.early_exit_conditions,
        "person_level": list_type.person_level,
        "person_roles": list_type.person_roles,
    }


# ---- the workbench's roster and entry pages (R7–R11) -----------------------------------------------


def initiable_list_types(user):
    """The list types a user's department may initiate (谁主管、谁认定): what `services.create_entry` accepts."""
    if user.department_id is None:
        return ListType.objects.none()
    return active_list_types().filter(initiator_department_code=user.department.code)


def visible_entries(user):
    """The entries a user may see in the workbench: the department's own (it initiated them); every
    department's for the credit office and auditors (`accounts.selectors.rows_visible_to`)."""
    entries = ListEntry.objects.select_related("list_type", "subject", "initiator")
    return rows_visible_to(entries, user, department_field="initiator")


def visible_entry_ids(user, ids) -> set[int]:
    """Which of these entries the user may see (a task pushed to a department is about another
    department's entry, whose page it cannot open)."""
    return set(visible_entries(user).filter(pk__in=set(ids)).values_list("pk", flat=True))


@dataclass(frozen=True)
class RosterFilter:
    list_type: str = ""
    status: str = ""
    decided_from: dt.date | None = None
    decided_to: dt.date | None = None
    subject: str = ""  # a code; an invalid one raises the identifier's own error


def roster(user, filters: RosterFilter):
    """A department's entries as decided (person entries derived from an organisation's are shown on its
    page), newest decision first, with how many persons each reached."""
    entries = visible_entries(user).filter(derived_from__isnull=True)
    if filters.list_type:
        entries = entries.filter(list_type__code=filters.list_type)
    if filters.status:
        entries = entries.filter(status=filters.status)
    if filters.decided_from:
        entries = entries.filter(decided_on__gte=filters.decided_from)
    if filters.decided_to:
        entries = entries.filter(decided_on__lte=filters.decided_to)
    if filters.subject:
        entries = entries.filter(subject=get_by_code(filters.subject))
    return entries.annotate(persons=Count("derived_entries")).order_by("-decided_on", "-id")


def visible_entry(user, entry_id: int) -> ListEntry:
    """One entry the user may see; another department's is as absent as one that does not exist."""
    entry = visible_entries(user).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound("名单条目不存在", code="entry_not_found")
    return entry


@dataclass
class EntryLoop:
    """The loop closure of an entry (R11): which departments were told and what they did and fed back.
    `checks` keeps it and sits above this app, so it sets these readers from `AppConfig.ready()`; each gets
    the ids of the entry and of the person entries derived from it."""

    told: Callable[[list[int], dt.date], list[dict]] = lambda entry_ids, today: []
    feedback: Callable[[list[int]], Iterable[Any]] = lambda entry_ids: []


ENTRY_LOOP = EntryLoop()


@dataclass(frozen=True)
class EntryPage:
    entry: ListEntry
    derived: list[ListEntry]
    events: list  # ListEntryEvent of the entry and of its derived entries, in order
    told: list[dict]  # per department told: tasks pushed, done, overdue, feedback given (ENTRY_LOOP)
    feedback: list  # checks.Feedback on the measures of the entry or its derived entries


def entry_page(user, entry_id: int) -> EntryPage:
    """An entry with its history, the departments told of it and what they fed back (loop closure)."""
    entry = visible_entry(user, entry_id)
    derived = list(entry.derived_entries.select_related("subject").order_by("id"))
    ids = [entry.pk, *(d.pk for d in derived)]
    events = (
        ListEntryEvent.objects.filter(entry_id__in=ids).select_related("entry__subject").order_by("occurred_at", "id")
    )
    today = clock.today()
    return EntryPage(
        entry=entry,
        derived=derived,
        events=list(events),
        told=ENTRY_LOOP.told(ids, today),
        feedback=list(ENTRY_LOOP.feedback(ids)),
    )


def roster_list_types(user):
    """The list types a roster can be filtered by: every one for those who see every department's entries."""
    return active_list_types() if oversees(user) else initiable_list_types(user)
