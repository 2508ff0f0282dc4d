"""What leaves the district, and when: outbox rows written with the change that causes them.

Only categories disclosed `public` or `authorised` leave; `government` ones never do. Fields go as
they are stored (personal ID numbers masked); subjects by their public code, never the keyed-hash key.
Records and entries that came in from another platform are not sent on (no echo between platforms).
"""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, OuterRef

from xinyong.catalog.models import Disclosure
from xinyong.core import clock
from xinyong.lists.models import ListEntry
from xinyong.records.models import Channel, Record

from .models import Kind, OutboxMessage

LEAVES = (Disclosure.PUBLIC, Disclosure.AUTHORISED)
# Departments standing for other platforms are created on demand under this prefix (see inbound).
PLATFORM_PREFIX = "FED-"


def _canonical(value) -> dict:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True))


def message_id(kind: str, payload: dict) -> str:
    text = json.dumps([kind, payload], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _subject(subject) -> dict:
    return {"code": subject.public_code, "name": subject.name, "kind": subject.kind}


def record_payload(record: Record) -> dict:
    return _canonical(
        {
            "id": record.pk,
            "category": record.category.code,
            "disclosure": record.category.disclosure,
            "provider": {"code": record.provider.code, "name": record.provider.name},
            "subject": _subject(record.subject),
            "fields": record.fields,  # as stored: personal ID numbers masked
            "decision_number": record.decision_number,
            "decision_date": record.decision_date,
            "version": record.version,
            "content_hash": record.content_hash,
            "status": record.status,
            "status_reason": record.status_reason,
            "status_changed_at": record.status_changed_at,
            "published": record.published_at is not None,
        }
    )


def entry_payload(entry: ListEntry) -> dict:
    return _canonical(
        {
            "id": entry.pk,
            "list_type": entry.list_type.code,
            "scope": entry.list_type.scope,
            "initiator": {"code": entry.initiator.code, "name": entry.initiator.name},
            "subject": _subject(entry.subject),
            "document_number": entry.document_number,
            "basis": entry.basis,
            "reason": entry.reason,
            "decided_on": entry.decided_on,
            "conduct_on": entry.conduct_on,
            "starts_on": entry.starts_on,
            "ends_on": entry.ends_on,
            "status": entry.status,
            "under_objection": entry.under_objection,  # suspended here, so suspended downstream too
            # The latest change: a state that comes back (objection filed, then rejected) is a new
            # message, not a resend of the first one that the stream and the receiver would drop.
            "revision": entry.events.order_by("-id").values_list("id", flat=True).first(),
            "ended_at": entry.ended_at,
            "end_reason": entry.end_reason,
        }
    )


def record_leaves(record: Record) -> bool:
    return (
        record.is_current
        and record.channel != Channel.FEDERATION
        and record.category.disclosure in LEAVES
        and not record.provider.code.startswith(PLATFORM_PREFIX)
    )


def entry_leaves(entry: ListEntry) -> bool:
    # Person entries derived from an organisation's (落实到人) are derived again by the receiver.
    return entry.derived_from_id is None and not entry.initiator.code.startswith(PLATFORM_PREFIX)


def _enqueue(kind: str, object_id: int, payload: dict) -> None:
    row = OutboxMessage(
        kind=kind, object_id=object_id, msg_id=message_id(kind, payload), payload=payload, created_at=clock.now()
    )
    # The same state saved twice is one message.
    OutboxMessage.objects.bulk_create([row], ignore_conflicts=True)


def enqueue_record(record: Record) -> None:
    if record_leaves(record):
        _enqueue(Kind.RECORD, record.pk, record_payload(record))


def enqueue_entry(entry: ListEntry) -> None:
    if entry_leaves(entry):
        _enqueue(Kind.ENTRY, entry.pk, entry_payload(entry))


def record_saved(sender, instance: Record, raw: bool = False, **kwargs) -> None:
    if not raw:
        enqueue_record(instance)


def entry_saved(sender, instance: ListEntry, raw: bool = False, **kwargs) -> None:
    if not raw:
        enqueue_entry(instance)


def enqueue_unsent_records(limit: int = 10000) -> int:
    """Records stored in bulk (`bulk_create` sends no signal: API and file imports) get their outbox
    row here, before each publish. They are read back from committed rows, so none is lost either."""
    has_message = OutboxMessage.objects.filter(kind=Kind.RECORD, object_id=OuterRef("pk"))
    missing = (
        Record.objects.filter(is_current=True, category__disclosure__in=LEAVES)
        .exclude(channel=Channel.FEDERATION)
        .exclude(provider__code__startswith=PLATFORM_PREFIX)
        .filter(~Exists(has_message))
        .select_related("category", "provider", "subject")
        .order_by("pk")[:limit]
    )
    count = 0
    for record in missing:
        enqueue_record(record)
        count += 1
    return count
