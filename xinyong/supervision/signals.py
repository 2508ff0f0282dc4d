"""Grades follow the records and list entries they read (R18): a status change of a record (objection,
repair, withdrawal, correction) or a change of a red/black list entry recomputes the subject at once.
A record delivered through `POST /records` (or any single-record flow) is graded at once through
`records.services.RECORD_DELIVERED`; bulk imports are caught up by the daily job."""

from django.db.models.signals import post_save

from xinyong.lists.models import ListEntry
from xinyong.records.models import Record
from xinyong.records.services import RECORD_DELIVERED

from .services import grading


def record_changed(sender, instance: Record, created: bool, update_fields=None, raw: bool = False, **kwargs) -> None:
    if raw:
        return  # loaddata (restore from backup): the evaluations come with the data
    if update_fields is not None and "status" not in update_fields:
        return  # publication, overdue flags, `is_current` of a superseded version: the score reads none
    if instance.status == Record.Status.SUPERSEDED:
        return  # the new version follows in the same transaction; grading it half-way would mislead
    grading.refresh_id(instance.subject_id, trigger="record.status")


def entry_changed(sender, instance: ListEntry, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    if instance.derived_from_id or instance.list_type.kind not in grading.PUBLIC_LIST_KINDS:
        return  # persons are not graded; watch-list entries do not score (and grades create them)
    grading.refresh_id(instance.subject_id, trigger="list_entry")


def record_delivered(subject_id: int) -> None:
    grading.refresh_id(subject_id, trigger="record.new")


def connect() -> None:
    if record_delivered not in RECORD_DELIVERED:
        RECORD_DELIVERED.append(record_delivered)
    post_save.connect(record_changed, sender=Record, dispatch_uid="supervision-record-grade")
    post_save.connect(entry_changed, sender=ListEntry, dispatch_uid="supervision-entry-grade")
