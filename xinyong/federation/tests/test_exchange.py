"""Exchange through JetStream, both sides in this test database: what leaves, once, and how
redelivery and crashes are survived. The two-database version is test_two_instances.py."""

import datetime as dt
import json

import pytest

from xinyong.audit.services import Actor
from xinyong.core import clock
from xinyong.federation import services
from xinyong.federation.broker import Broker, stream_name, subject_of
from xinyong.federation.models import InboundMessage, OutboxMessage
from xinyong.lists.models import ListEntry
from xinyong.lists.services import revoke_entry
from xinyong.records.models import Record
from xinyong.records.services import ingest_record
from xinyong.testing.factories import penalty, uscc
from xinyong.testing.federation import court_entry, simple

TODAY = dt.date(2025, 6, 2)
COMPANY = uscc(701)


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen_at(TODAY):
        yield


def enter(court) -> ListEntry:
    return court_entry(court, COMPANY, "（2025）赣0404执123号")


def stream_count(region: str) -> int:
    with Broker() as broker:
        return broker._run(broker.js.stream_info(stream_name(region))).state.messages


def received_entries(region: str):
    return ListEntry.objects.filter(initiator__code=services.platform_code(region))


def test_government_only_categories_never_leave_and_personal_ids_leave_masked(court, region):
    provider = Actor.of(court)
    ingest_record(actor=provider, provider=court.department, category_code="court_enforcement", fields=simple("x", 1))
    ingest_record(actor=provider, provider=court.department, category_code="volunteer_service", fields=simple("x", 2))
    ingest_record(actor=provider, provider=court.department, category_code="interview", fields=simple("x", 3))
    ingest_record(actor=provider, provider=court.department, category_code="admin_penalty", fields=penalty(704))

    published = services.publish(region=region)

    sent = {row.payload["category"]: row.payload for row in OutboxMessage.objects.filter(kind="record")}
    assert set(sent) == {"court_enforcement", "volunteer_service", "admin_penalty"}  # not `interview`
    assert published.sent == 3 and stream_count(region) == 3
    person_id = penalty(704)["CF_FR_ZJHM"]
    text = json.dumps(sent["admin_penalty"], ensure_ascii=False)
    assert person_id not in text and sent["admin_penalty"]["fields"]["CF_FR_ZJHM"].count("*") >= 8
    assert all(set(p["subject"]) == {"code", "name", "kind"} for p in sent.values())  # no subject key

    consumed = services.consume(source=region, durable=f"{region}-in")
    got = Record.objects.filter(channel="federation").values_list("category__code", flat=True)
    assert "interview" not in set(got)
    assert {"court_enforcement", "volunteer_service"} <= set(got)
    assert consumed.applied + consumed.rejected == 3


@pytest.mark.slow  # over a second on an idle machine: out of the fast subset
def test_list_entry_is_received_once_whatever_is_resent(court, region):
    entry = enter(court)
    first = services.publish(region=region)
    assert first.sent == 1 and stream_count(region) == 1
    # Crash between the stream's ack and marking the row sent: the row goes again, the stream drops it.
    OutboxMessage.objects.update(sent_at=None)
    again = services.publish(region=region)
    assert again.sent == 1 and again.duplicates == 1 and stream_count(region) == 1

    assert services.consume(source=region, durable=f"{region}-in").applied == 1
    [received] = received_entries(region)
    assert received.status == "active" and received.subject.uscc == COMPANY

    # The same message again past the broker's dedup window (new Nats-Msg-Id): the receiver's inbox holds it.
    row = OutboxMessage.objects.get(object_id=entry.pk)
    body = json.dumps({"kind": row.kind, "msg_id": row.msg_id, "payload": row.payload}, ensure_ascii=False)
    with Broker() as broker:
        broker.publish(
            subject_of(region, "entry"), body.encode(), msg_id="resent-" + row.msg_id[:20], stream=stream_name(region)
        )
    resent = services.consume(source=region, durable=f"{region}-in")
    assert resent.duplicates == 1 and resent.applied == 0
    assert received_entries(region).count() == 1

    # Ending it at the source ends it here.
    revoke_entry(actor=Actor.of(court), user=court, entry_id=entry.pk, reason="已履行")
    services.publish(region=region)
    assert services.consume(source=region, durable=f"{region}-in").applied == 1
    received.refresh_from_db()
    assert received.status == "revoked"


@pytest.mark.slow  # over a second on an idle machine: out of the fast subset
def test_consumer_crash_before_ack_loses_nothing_and_duplicates_nothing(court, region, monkeypatch):
    enter(court)
    ingest_record(
        actor=Actor.of(court), provider=court.department, category_code="court_enforcement", fields=simple("x", 5)
    )
    services.publish(region=region)
    durable = f"{region}-in"

    # 1. Crash inside the transaction, before commit: nothing applied, nothing acked.
    def boom(*args, **kwargs):
        raise RuntimeError("crash before commit")

    monkeypatch.setattr(services, "receive_entry", boom)
    with pytest.raises(RuntimeError):
        services.consume(source=region, durable=durable, ack_wait=1.0)
    assert received_entries(region).count() == 0 and not InboundMessage.objects.exists()
    monkeypatch.undo()

    # 2. Crash after commit, before ack: applied once, but the stream still holds the messages. The
    #    broker hands them out again once its ack_wait (1 s) has passed: the fetch waits for that (up to
    #    `wait`) and returns as soon as they come, instead of the test sleeping.
    crashed = services.consume(source=region, durable=durable, ack_wait=1.0, ack=False, wait=5.0, max_messages=2)
    assert crashed.applied == 2 and crashed.unacked == 2
    assert received_entries(region).count() == 1
    records = Record.objects.filter(channel="federation").count()

    # 3. Redelivered after ack_wait: recognised, acked, nothing new.
    redelivered = services.consume(source=region, durable=durable, ack_wait=1.0, wait=5.0, max_messages=2)
    assert redelivered.redelivered == 2 and redelivered.duplicates == 2 and redelivered.applied == 0
    assert received_entries(region).count() == 1
    assert Record.objects.filter(channel="federation").count() == records == 1
    # And acked for good: nothing comes back within more than one ack_wait.
    assert services.consume(source=region, durable=durable, ack_wait=1.0, wait=1.5).redelivered == 0
