"""Notices as things happen (issue 20 §5): a record or list entry added about a subject that has an account,
and a decision on its objection or repair. Bulk imports write without signals; the daily job
(`my/jobs.py`) catches those, and the event key keeps either from telling the subject twice."""

import datetime as dt

from django.db.models.signals import post_save
from django.dispatch import receiver

from xinyong.core import clock
from xinyong.lists.models import ListEntry
from xinyong.records.models import Record
from xinyong.rights.models import Objection, Repair

from .models import Notice
from .services import notices

RECENT = dt.timedelta(minutes=1)


def records_delivered(subject_id: int) -> None:
    """A listener of `records.services.RECORD_DELIVERED` (records are stored in bulk, without post_save): the
    subject's records received in the last minute, each told once."""
    if not notices.has_accounts(subject_id):
        return
    recent = Record.objects.filter(subject_id=subject_id, is_current=True, received_at__gte=clock.now() - RECENT)
    for record in recent.select_related("subject", "provider", "category"):
        record_added(record)


def record_added(record: Record) -> None:
    if record.is_current:
        notices.notify(
            subject=record.subject,
            key=f"record-{record.pk}",
            kind=Notice.Kind.ADDED,
            text=f"{record.provider.name}报送了本主体的{record.category.name}"
            f"（{record.decision_number or '#' + str(record.pk)}）。",
            url="/my/",
        )


def entry_added(entry: ListEntry) -> None:
    if notices.has_accounts(entry.subject_id):
        notices.notify(
            subject=entry.subject,
            key=f"entry-{entry.pk}",
            kind=Notice.Kind.ADDED,
            text=f"{entry.initiator.name}将本主体列入{entry.list_type.name}（{entry.document_number}）。",
            url="/my/",
        )


@receiver(post_save, sender=ListEntry, dispatch_uid="my-entry-added")
def _entry_saved(sender, instance: ListEntry, created: bool, raw: bool = False, **kwargs):
    # `raw`: loaddata (a restore) saves what happened already; telling the subject again would add events.
    if created and not raw:
        entry_added(instance)


@receiver(post_save, sender=Objection, dispatch_uid="my-objection-decided")
def _objection_saved(sender, instance: Objection, raw: bool = False, **kwargs):
    if not raw and instance.status != Objection.Status.PENDING and notices.has_accounts(instance.subject_id):
        notices.notify(
            subject=instance.subject,
            key=f"objection-{instance.pk}",
            kind=Notice.Kind.DECISION,
            text=f"{instance.handler.name}已办结异议#{instance.pk}：{instance.get_status_display()}。"
            f"理由：{instance.decision_reason}",
            url="/my/objections/",
        )


@receiver(post_save, sender=Repair, dispatch_uid="my-repair-decided")
def _repair_saved(sender, instance: Repair, raw: bool = False, **kwargs):
    if not raw and instance.status != Repair.Status.PENDING and notices.has_accounts(instance.subject_id):
        notices.notify(
            subject=instance.subject,
            key=f"repair-{instance.pk}",
            kind=Notice.Kind.DECISION,
            text=f"{instance.handler.name}已对修复申请#{instance.pk}作出决定：{instance.get_status_display()}。"
            f"{instance.decision_reason}",
            url="/my/repairs/",
        )
