"""What the public sees of list entries: red and black list entries in force (watch-list entries are
for supervision only, 002 §8, and stay internal)."""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from xinyong.core import clock
from xinyong.core.dates import add_months
from xinyong.core.errors import InvalidInput, NotFound
from xinyong.subjects.models import Subject

from .models import CleanRecordPublication, ListEntry

PUBLIC_KINDS = ("red", "black")
# The measures entries of a list type carry, as checks apply them: each callable gets a list type's code
# and returns measures (with code, name, kind, force, type, legal_basis, matters, target). `checks`, which
# sits above this app, registers its snapshot's reader from `AppConfig.ready()`.
LIST_TYPE_MEASURES: list[Callable[[str], Iterable[Any]]] = []


def public_entries(on: dt.date):
    return ListEntry.objects.filter(
        status=ListEntry.Status.ACTIVE,
        list_type__kind__in=PUBLIC_KINDS,
        starts_on__lte=on,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def public_entry(entry: ListEntry) -> dict:
    return {
        "id": entry.pk,
        "list_type": entry.list_type.code,
        "list_type_name": entry.list_type.name,
        "kind": entry.list_type.kind,
        "initiator": entry.initiator.name,
        "document_number": entry.document_number,
        "basis": entry.basis,
        "decided_on": entry.decided_on,
        "starts_on": entry.starts_on,
        "ends_on": entry.ends_on,
        "under_objection": entry.under_objection,
        "via": {"organisation": entry.derived_from.subject.public_code, "role": entry.via_role}
        if entry.derived_from_id
        else None,
    }


def _in_force_on(day: dt.date, subject: Subject):
    moment = dt.datetime.combine(day, dt.time.max, tzinfo=ZoneInfo(settings.TIME_ZONE))
    entries = (
        ListEntry.objects.filter(
            subject=subject,
            list_type__kind__in=PUBLIC_KINDS,
            created_at__lte=moment,
            starts_on__lte=day,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=moment))
    )
    return entries, moment


def _under_objection_at(entry: ListEntry, moment: dt.datetime) -> bool:
    flag = False
    for event in entry.events.all():
        if event.occurred_at > moment:
            break
        if event.action in ("objection", "resume"):
            flag = event.action == "objection"
    return flag


def entry_measures(entry: ListEntry, suspended: bool) -> list[dict]:
    """The measures an entry carries, in every business matter (what implementers must apply)."""
    person = entry.subject.is_person or entry.derived_from_id is not None
    return [
        {
            "code": m.code,
            "name": m.name,
            "kind": m.kind,
            "force": m.force,
            "type": m.type,
            "legal_basis": list(m.legal_basis),
            "matters": sorted(m.matters),
            "suspended": suspended,
        }
        for measures_of in LIST_TYPE_MEASURES
        for m in measures_of(entry.list_type.code)
        if m.target in (("person", "both") if person else ("organisation", "both"))
    ]


def public_entries_section(subject: Subject, as_of: dt.date | None) -> tuple[str, list]:
    related = ("list_type", "initiator", "derived_from__subject", "subject")
    if as_of is None:
        entries = public_entries(clock.today()).filter(subject=subject)
        found = entries.select_related(*related).order_by("-decided_on", "-id")[:50]
        return "list_entries", [{**public_entry(e), "measures": entry_measures(e, e.under_objection)} for e in found]
    entries, moment = _in_force_on(as_of, subject)
    found = entries.select_related(*related).prefetch_related("events").order_by("-decided_on", "-id")[:50]
    result = []
    for entry in found:
        suspended = _under_objection_at(entry, moment)
        result.append(
            {**public_entry(entry), "under_objection": suspended, "measures": entry_measures(entry, suspended)}
        )
    return "list_entries", result


def clean_subjects(as_of: dt.date, years: int):
    """Organisations with no dishonesty record in the last `years` and no black or watch entry on
    `as_of` (R6: the monthly list of subjects with no bad record; R14: their incentives)."""
    from xinyong.records.models import Record

    since = add_months(as_of, -12 * years)
    # Correlated NOT EXISTS, not `exclude(pk__in=…)`: PostgreSQL cannot turn NOT IN into an anti-join
    # (NULL semantics) and probes millions of records per subject instead.
    bad_records = Record.objects.filter(
        subject=OuterRef("pk"),
        category__counts_as_dishonesty=True,
        decision_date__gte=since,
        decision_date__lte=as_of,
        is_current=True,
        status__in=(Record.Status.ACTIVE, Record.Status.UNDER_OBJECTION),
    )
    bad_entries = ListEntry.objects.filter(
        subject=OuterRef("pk"),
        status=ListEntry.Status.ACTIVE,
        list_type__kind__in=("black", "watch"),
        starts_on__lte=as_of,
    )
    return (
        Subject.objects.exclude(kind=Subject.Kind.NATURAL_PERSON)
        .filter(status=Subject.Status.ACTIVE, created_at__date__lte=as_of)
        .filter(~Exists(bad_records), ~Exists(bad_entries))
        .order_by("search_name", "pk")
    )


def clean_publication(month: str | None = None) -> CleanRecordPublication:
    """A monthly clean-record publication (`YYYY-MM`), or the latest."""
    publications = CleanRecordPublication.objects.all()
    if month:
        try:
            first = dt.date.fromisoformat(f"{month}-01")
        except ValueError:
            raise InvalidInput("month 格式应为 YYYY-MM", code="invalid_month") from None
        publications = publications.filter(month=first)
    publication = publications.first()
    if publication is None:
        raise NotFound("该月尚未公布", code="not_published")
    return publication


def clean_members(publication: CleanRecordPublication):
    """The published subjects, in the published order."""
    return publication.members.select_related("subject").order_by("position")
