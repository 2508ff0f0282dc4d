"""Exchange with the city, provincial and national platforms (R30, architecture §9).

`publish` pushes pending outbox rows to this platform's JetStream stream and marks each sent only
after the stream acknowledged it. `consume` pulls another platform's stream through a durable
consumer, applies each message in one transaction and acknowledges it only after that commit; a
message applied twice (redelivery after a crash, a resend) changes nothing.
"""

import json
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from xinyong.accounts.models import Department
from xinyong.accounts.services import upsert_department
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.catalog.models import Category, Disclosure
from xinyong.catalog.selectors import schema_of
from xinyong.checks import engine
from xinyong.core import clock
from xinyong.core.identifiers import identify
from xinyong.lists import services as lists
from xinyong.lists.models import ListEntry, ListType
from xinyong.notices.services import push_entry_change
from xinyong.records import services as records
from xinyong.records.models import Channel, Record
from xinyong.records.preparation import prepare
from xinyong.subjects.models import Subject
from xinyong.subjects.selectors import key_for_code
from xinyong.subjects.services import SubjectRef, ensure_subjects

from .broker import Broker, check_region, own_region, subject_of
from .models import InboundMessage, Kind, OutboxMessage, ReceivedEntry
from .outbox import PLATFORM_PREFIX, enqueue_unsent_records
from .sealing import SealBroken, seal_for, unseal

ENDED = {ListEntry.Status.REVOKED, ListEntry.Status.EXPIRED, ListEntry.Status.EXITED}
# Status changes of a record that another platform follows; `superseded` it derives from versions.
FOLLOWED_STATUSES = set(Record.Status.values) - {Record.Status.SUPERSEDED}


# ---------------------------------------------------------------------------------------- publish


@dataclass
class Published:
    queued: int = 0
    sent: int = 0
    duplicates: int = 0


def publish(*, region: str | None = None, broker: Broker | None = None, batch: int = 500) -> Published:
    region = check_region(region or own_region())
    result = Published(queued=enqueue_unsent_records())
    own = broker is None
    broker = broker or Broker().__enter__()
    try:
        stream = broker.ensure_stream(region)
        while True:
            rows = list(OutboxMessage.objects.filter(sent_at__isnull=True).order_by("id")[:batch])
            if not rows:
                break
            for row in rows:
                data = json.dumps(_body(row), ensure_ascii=False).encode()
                duplicate = broker.publish(subject_of(region, row.kind), data, msg_id=row.msg_id, stream=stream)
                # Only after the ack: a crash before this line resends, and the stream drops the resend.
                OutboxMessage.objects.filter(pk=row.pk).update(sent_at=clock.now())
                result.sent += 1
                result.duplicates += duplicate
    finally:
        if own:
            broker.__exit__(None, None, None)
    if result.sent:
        audit(
            actor=Actor(name="federation", channel="federation"),
            action="federation.publish",
            object_type="federation",
            object_id=region,
            after={"sent": result.sent, "duplicates": result.duplicates},
        )
    return result


def _body(row: OutboxMessage) -> dict:
    body = {"kind": row.kind, "msg_id": row.msg_id, "payload": row.payload}
    sealed = seal_for(row)  # sealed at sending, so no ID number rests in the outbox
    if sealed:
        body["sealed"] = sealed
    return body


# ---------------------------------------------------------------------------------------- consume


@dataclass
class Consumed:
    applied: int = 0
    duplicates: int = 0
    rejected: int = 0
    redelivered: int = 0
    unacked: int = 0
    details: list[str] = field(default_factory=list)


def default_durable(source: str) -> str:
    return f"{own_region()}-from-{source}"


def consume(
    *,
    source: str,
    durable: str | None = None,
    broker: Broker | None = None,
    batch: int = 100,
    wait: float = 0.5,
    ack_wait: float = 30.0,
    ack: bool = True,
    max_messages: int | None = None,
) -> Consumed:
    """Pull until the stream has nothing more for this consumer. `ack=False` only simulates a crash
    after the database commit and before the ack (tests): the messages come again after `ack_wait`."""
    source = check_region(source)
    result = Consumed()
    own = broker is None
    broker = broker or Broker().__enter__()
    try:
        subscription = broker.pull(source, durable or default_durable(source), ack_wait=ack_wait)
        seen = 0
        while max_messages is None or seen < max_messages:
            size = batch if max_messages is None else min(batch, max_messages - seen)
            messages = broker.fetch(subscription, size, wait)
            if not messages:
                break
            for message in messages:
                seen += 1
                if message.metadata.num_delivered > 1:
                    result.redelivered += 1
                outcome = apply_message(source, message.data)
                setattr(result, _COUNTER[outcome.outcome], getattr(result, _COUNTER[outcome.outcome]) + 1)
                if outcome.detail:
                    result.details.append(outcome.detail)
                # apply_message committed (or was already held): only now may the stream forget it.
                if ack:
                    broker.ack(message)
                else:
                    result.unacked += 1
    finally:
        if own:
            broker.__exit__(None, None, None)
    return result


# Keyed by the stored outcome (a plain string on a read row), one counter of the run each.
_COUNTER: dict[str, str] = {
    InboundMessage.Outcome.APPLIED: "applied",
    InboundMessage.Outcome.DUPLICATE: "duplicates",
    InboundMessage.Outcome.REJECTED: "rejected",
}


@dataclass
class Outcome:
    outcome: str
    detail: str = ""
    local_id: int | None = None


def apply_message(source: str, data: bytes) -> InboundMessage:
    """Apply one message in one transaction; the inbox row makes a second delivery a no-op."""
    try:
        body = json.loads(data)
        kind, msg_id, payload = body["kind"], body["msg_id"], body["payload"]
    except (ValueError, KeyError, TypeError):
        return InboundMessage(outcome=InboundMessage.Outcome.REJECTED, detail="报文格式无效")
    try:
        sealed, seal_note = unseal(body.get("sealed")), ""
    except SealBroken as error:
        sealed, seal_note = {}, str(error)  # applied as if nothing were sealed: persons then do not cross
    with transaction.atomic():
        held = InboundMessage.objects.select_for_update().filter(source=source, msg_id=msg_id).first()
        # A message refused before (no shared key yet, a list type not set up yet…) is tried again when it
        # comes again, by a resend or a new consumer; one applied is never applied twice.
        if held is not None and held.outcome != InboundMessage.Outcome.REJECTED:
            return InboundMessage(outcome=InboundMessage.Outcome.DUPLICATE, msg_id=msg_id)
        actor = Actor(name=f"federation:{source}", department=platform_code(source), channel="federation")
        apply = {Kind.RECORD: _apply_record, Kind.ENTRY: _apply_entry}.get(kind)
        outcome = apply(source, payload, actor, sealed) if apply else _rejected("未知类型")
        if outcome.outcome == InboundMessage.Outcome.REJECTED and seal_note:
            outcome.detail = f"{outcome.detail}（{seal_note}）"
        inbound, _ = InboundMessage.objects.update_or_create(
            source=source,
            msg_id=msg_id,
            defaults={
                "kind": kind if apply else Kind.RECORD,
                "outcome": outcome.outcome,
                "detail": outcome.detail[:500],
                "local_id": outcome.local_id,
                "received_at": clock.now(),
            },
        )
        return inbound


def platform_code(source: str) -> str:
    return f"{PLATFORM_PREFIX}{source}"[:32]


def platform_department(source: str) -> Department:
    """The department standing for another platform as provider and initiator, created on demand."""
    department = Department.objects.filter(code=platform_code(source)).first()
    if department is None:
        department = upsert_department(
            actor=Actor(name="federation", channel="federation"),
            code=platform_code(source),
            name=f"对接平台（{source}）",
            level=Department.Level.CITY,
        )
    return department


def _rejected(detail: str) -> Outcome:
    return Outcome(InboundMessage.Outcome.REJECTED, detail)


def _apply_record(source: str, payload: dict, actor: Actor, sealed: dict) -> Outcome:
    category = Category.objects.filter(code=payload.get("category"), is_active=True).first()
    if category is None:
        return _rejected(f"本平台无信息类别“{payload.get('category')}”")
    if category.disclosure == Disclosure.GOVERNMENT or payload.get("disclosure") == Disclosure.GOVERNMENT:
        return _rejected(f"“{category.name}”仅限政务共享，不接收")
    provider = platform_department(source)
    # ingest_record's own steps minus its provider check: the catalog's provider list names this
    # district's departments, and another platform is not one of them.
    # The ID numbers the sender sealed replace their masked forms; the raw payload is kept masked.
    fields = {**payload["fields"], **sealed.get("fields", {})}
    prepared = prepare(category, schema_of(category), fields, provider_code=provider.code, today=clock.today())
    if isinstance(prepared, list):
        # Typically a person's record sent without sealed ID numbers: the subject cannot be identified.
        return _rejected("；".join(e.reason for e in prepared))
    [(record, stored)] = records.store(
        actor=actor,
        category=category,
        provider=provider,
        rows=[(None, prepared, payload["fields"])],
        channel=Channel.FEDERATION,
        publish=bool(payload.get("published")),
    )
    changed = stored != records.DUPLICATE
    if changed:
        for listener in records.RECORD_DELIVERED:
            listener(record.subject_id)
    status = payload.get("status")
    if status in FOLLOWED_STATUSES and status != record.status and record.is_current:
        records.set_status(record, status, actor_name=actor.name, reason=payload.get("status_reason") or "来源平台变更")
        changed = True
    if changed:
        audit(
            actor=actor,
            action=f"federation.record.{stored}",
            object_type="record",
            object_id=record.pk,
            after={"source": source, "origin_id": payload.get("id"), "status": record.status},
        )
        return Outcome(InboundMessage.Outcome.APPLIED, local_id=record.pk)
    return Outcome(InboundMessage.Outcome.DUPLICATE, local_id=record.pk)


def _subject_of(payload: dict, actor: Actor, person_id: str | None) -> Subject | None:
    """Organisations by their unified code; persons by the ID number the sender sealed (`sealing`),
    never by the masked one (the keyed-hash key is not sent: each platform keys persons its own way)."""
    if payload.get("kind") == Subject.Kind.NATURAL_PERSON or "*" in payload.get("code", ""):
        ref = _person_ref(person_id, payload["name"]) if person_id else None
    else:
        key = key_for_code(payload.get("code", ""))
        kind = payload.get("kind") or Subject.Kind.LEGAL_PERSON
        ref = SubjectRef(key=key, kind=kind, name=payload["name"], code=key) if key else None
    if ref is None:
        return None
    ids = ensure_subjects(actor=actor, refs=[ref], reason="federation")
    return Subject.objects.get(pk=ids[ref.key])


def _person_ref(person_id: str, name: str) -> SubjectRef | None:
    key = key_for_code(person_id)
    if key is None or not key.startswith("P"):
        return None
    return SubjectRef(key=key, kind=Subject.Kind.NATURAL_PERSON, name=name, person_id=identify(person_id).code)


def _apply_entry(source: str, payload: dict, actor: Actor, sealed: dict) -> Outcome:
    link = ReceivedEntry.objects.select_related("entry").filter(source=source, origin_id=payload["id"]).first()
    status = payload.get("status")
    if status in ENDED:
        if link is None:
            return _rejected("该条目此前未接收，无须移出")
        entry = link.entry
        if entry.status != ListEntry.Status.ACTIVE:
            return Outcome(InboundMessage.Outcome.DUPLICATE, local_id=entry.pk)
        action = {ListEntry.Status.EXPIRED: "expire", ListEntry.Status.EXITED: "exit"}.get(status, "revoke")
        reason = payload.get("end_reason") or "来源平台移出"
        lists.end_entry(entry, status=status, actor=actor, reason=reason, action=action)
        return Outcome(InboundMessage.Outcome.APPLIED, local_id=entry.pk)
    if link is not None:
        return _follow_objection(link.entry, payload, actor)
    return receive_entry(source, payload, actor, sealed)


def _follow_objection(entry: ListEntry, payload: dict, actor: Actor) -> Outcome:
    """An objection filed (or decided) at the source suspends (or resumes) the entry's measures here too.
    Messages from senders without the flag change nothing."""
    flag = payload.get("under_objection")
    if flag is None or entry.status != ListEntry.Status.ACTIVE or entry.under_objection == flag:
        return Outcome(InboundMessage.Outcome.DUPLICATE, local_id=entry.pk)
    reason = "来源平台异议处理中，措施暂停" if flag else "来源平台异议已处理，措施恢复"
    lists.set_under_objection(entry, flag, actor=actor, reason=reason)
    return Outcome(InboundMessage.Outcome.APPLIED, local_id=entry.pk)


def receive_entry(source: str, payload: dict, actor: Actor, sealed: dict) -> Outcome:
    """A list entry received from another platform, its initiator that platform's department — the
    initiator rule of `create_entry` (谁主管、谁认定) belongs to this district's own decisions."""
    list_type = ListType.objects.filter(code=payload.get("list_type"), is_active=True).first()
    if list_type is None:
        return _rejected(f"本平台无名单类型“{payload.get('list_type')}”")
    subject = _subject_of(payload["subject"], actor, sealed.get("subject"))
    if subject is None:
        return _rejected("个人主体仅以脱敏号码交换且未附加密身份信息，本平台无法识别，未接收")
    entry = ListEntry.objects.create(
        list_type=list_type,
        subject=subject,
        initiator=platform_department(source),
        document_number=payload["document_number"],
        basis=payload["basis"],
        reason=payload.get("reason", ""),
        decided_on=payload["decided_on"],
        conduct_on=payload.get("conduct_on"),
        starts_on=payload["starts_on"],
        ends_on=payload.get("ends_on"),
        under_objection=bool(payload.get("under_objection")),
        created_by=actor.name,
        created_at=clock.now(),
    )
    entry.refresh_from_db()  # dates as dates, for the snapshot and the derived entries
    ReceivedEntry.objects.create(source=source, origin_id=payload["id"], entry=entry)
    lists._event(entry, "create", actor, f"{payload['initiator']['name']}认定，经{source}平台接收")
    reached = lists.persons_reached(entry.list_type, entry.subject, entry.conduct_on or entry.decided_on)
    derived = lists._derive_person_entries(entry, reached, actor)
    engine.note_entry_changes([entry.pk, *(d.pk for d in derived)])
    push_entry_change(entry, action="publish", derived=derived)
    audit(
        actor=actor,
        action="list_entry.receive",
        object_type="list_entry",
        object_id=entry.pk,
        after={
            **lists.snapshot_of(entry),
            "source": source,
            "origin_id": payload["id"],
            "origin_initiator": payload["initiator"],
            "derived": [d.pk for d in derived],
        },
    )
    return Outcome(InboundMessage.Outcome.APPLIED, local_id=entry.pk)


def as_json(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
