"""What the public sees of list entries: red and black list entries in force (watch-list entries are
for supervision only, 002 §8, and stay internal)."""

import datetime as dt

from django.db.models import Q

from xinyong.core import clock
from xinyong.subjects.models import Subject

from .models import ListEntry

PUBLIC_KINDS = ("red", "black")


def public_entries(on: dt.date):
    return ListEntry.objects.filter(
        status=ListEntry.Status.ACTIVE, list_type__kind__in=PUBLIC_KINDS, starts_on__lte=on,
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
        if entry.derived_from_id else None,
    }


def public_entries_section(subject: Subject, as_of: dt.date | None) -> tuple[str, list]:
    entries = public_entries(as_of or clock.today()).filter(subject=subject).select_related(
        "list_type", "initiator", "derived_from__subject"
    ).order_by("-decided_on", "-id")[:50]
    return "list_entries", [public_entry(e) for e in entries]
