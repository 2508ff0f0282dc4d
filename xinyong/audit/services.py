"""The audit trail: every write and every non-public read is appended here (R29, architecture §7)."""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from xinyong.core import bulk, clock

from .models import AuditEvent

GENESIS = "0" * 64
# Any constant works; it only has to be the same for every writer of the chain.
_CHAIN_LOCK_KEY = 0x58494E59


@dataclass(frozen=True)
class Actor:
    """Who acts: a user (with department) or the system itself (daily jobs, federation)."""

    name: str
    department: str = ""
    channel: str = "api"

    @classmethod
    def of(cls, user, channel: str = "api") -> "Actor":
        if user is None:
            return SYSTEM
        department = user.department.code if getattr(user, "department_id", None) else ""
        return cls(name=user.get_username(), department=department, channel=channel)


SYSTEM = Actor(name="system", channel="system")


def _canonical(value: Any) -> Any:
    """JSON-normalise so the hash is the same before storing and after reading back."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True))


def _to_millisecond(moment: dt.datetime) -> dt.datetime:
    # Backups (Django's JSON serializer) keep milliseconds only; hashing more would break the chain on restore.
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "occurred_at": event.occurred_at.astimezone(dt.UTC).isoformat(),
        "actor": event.actor,
        "department": event.department,
        "channel": event.channel,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
    }


def _lock_chain() -> None:
    # PostgreSQL: serialise appenders so two transactions never link to the same predecessor.
    # SQLite already serialises writers (IMMEDIATE transactions).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


# Atomic without savepoints: an event is part of the write it records, and a failure must fail that write
# anyway; inside the write's transaction a savepoint and its release cost two round trips each (a batch
# check's writer thread waited for the GIL after each one).
@transaction.atomic(savepoint=False)
def record(
    *,
    actor: Actor,
    action: str,
    object_type: str = "",
    object_id: Any = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    [event] = record_many(
        actor=actor,
        events=[
            {"action": action, "object_type": object_type, "object_id": object_id, "before": before, "after": after}
        ],
    )
    return event


@transaction.atomic(savepoint=False)
def record_many(*, actor: Actor, events: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append several events of one actor in one go (a daily job's many similar acts), each its own
    link of the chain. Every dict has `action` and optionally `object_type`, `object_id`, `before`, `after`."""
    _lock_chain()
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
    occurred_at = _to_millisecond(clock.now())
    rows = []
    for fields in events:
        event = AuditEvent(
            occurred_at=occurred_at,
            actor=actor.name,
            department=actor.department,
            channel=actor.channel,
            action=fields["action"],
            object_type=fields.get("object_type", ""),
            object_id=str(fields.get("object_id", "")),
            before=_canonical(fields.get("before")),
            after=_canonical(fields.get("after")),
            prev_hash=last,
        )
        event.hash = last = event_hash(event.prev_hash, _hashed_fields(event))
        rows.append(event)
    return bulk.insert(rows)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Recompute every hash in order; name the first event whose content or link does not match."""
    expected_prev = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.pk, "与前一事件的链接不符（前序事件被删除或篡改）")
        if event_hash(event.prev_hash, _hashed_fields(event)) != event.hash:
            return ChainReport(checked, event.pk, "内容与哈希不符（该事件被篡改）")
        expected_prev = event.hash
        checked += 1
    return ChainReport(checked, None, None)


def verify_recorded(actor: Actor) -> ChainReport:
    """`verify_chain`, as `xinyong audit verify` runs it, for a person at the workbench: the check and its
    result are themselves appended (after the check, so it verifies what was there when asked)."""
    report = verify_chain()
    record(
        actor=actor,
        action="audit.verify",
        after={"checked": report.checked, "ok": report.ok, "first_broken_id": report.first_broken_id},
    )
    return report
