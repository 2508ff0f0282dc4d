"""Public sections of a subject's profile contributed by the rights slice (R20, R21, R23)."""

import datetime as dt

from xinyong.subjects.models import Subject

from .models import Objection, RepairNote


def objections_section(subject: Subject, as_of: dt.date | None) -> tuple[str, list]:
    pending = Objection.objects.filter(subject=subject, status=Objection.Status.PENDING).order_by("-id")[:20]
    return "objections_pending", [
        {"id": o.pk, "record": o.record_id, "list_entry": o.entry_id, "filed_at": o.filed_at, "due_on": o.due_on}
        for o in pending
    ]


def repair_notes_section(subject: Subject, as_of: dt.date | None) -> tuple[str, list]:
    notes = RepairNote.objects.filter(subject=subject).order_by("-published_at")[:20]
    return "repair_notes", [{"text": n.text, "published_at": n.published_at} for n in notes]
