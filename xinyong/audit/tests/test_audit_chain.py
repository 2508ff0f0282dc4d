import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from xinyong.audit.models import AuditEvent
from xinyong.audit.services import SYSTEM, Actor, record, verify_chain


def _write_events(n: int) -> list[AuditEvent]:
    actor = Actor(name="tester", department="XYB")
    return [
        record(
            actor=actor,
            action="test.write",
            object_type="thing",
            object_id=i,
            before={"v": i},
            after={"v": i + 1, "名称": "测试"},
        )
        for i in range(n)
    ]


def _drop_append_only_triggers():
    # What an attacker with database rights would do first; the chain must still tell.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_update ON audit_auditevent")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_delete")


def test_events_chain_and_verify(db):
    events = _write_events(5)
    chain = list(AuditEvent.objects.order_by("id"))
    assert chain[-5:] == events
    # The first event links to the genesis value, each later one to the event before it.
    assert [e.prev_hash for e in chain] == ["0" * 64] + [e.hash for e in chain[:-1]]
    report = verify_chain()
    assert report.ok and report.checked == AuditEvent.objects.count()
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "审计链完好" in out.getvalue()


def test_orm_refuses_update_and_delete(db):
    event = _write_events(1)[0]
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(actor="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_database_refuses_raw_update(db):
    event = _write_events(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor = 'mallory' WHERE id = %s", [event.pk])


def test_altered_row_is_named_by_verify(db):
    events = _write_events(6)
    _drop_append_only_triggers()
    target = events[3]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor = 'mallory' WHERE id = %s", [target.pk])
    report = verify_chain()
    assert report.first_broken_id == target.pk
    assert "篡改" in report.reason
    with pytest.raises(CommandError, match=f"#{target.pk}"):
        call_command("audit", "verify")


def test_deleted_row_breaks_the_link_of_the_next(db):
    events = _write_events(4)
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = verify_chain()
    assert report.first_broken_id == events[2].pk
    assert "链接" in report.reason


def test_system_actor_and_unicode_payload_survive_round_trip(db):
    record(actor=SYSTEM, action="daily.expire", after={"说明": "到期移出", "n": 3, "amount": 1.5})
    assert verify_chain().ok
