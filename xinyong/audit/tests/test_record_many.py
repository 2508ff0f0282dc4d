"""Many events of one act appended in one go (a daily job's referrals): each its own link of the chain,
stored as `record` stores one — on PostgreSQL through COPY above `core.bulk.COPY_FROM` rows."""

from xinyong.audit.models import AuditEvent
from xinyong.audit.services import Actor, record, record_many, verify_chain
from xinyong.core import bulk

ACTOR = Actor(name="system", channel="daily")


def test_many_events_are_links_of_one_sound_chain(db):
    record(actor=ACTOR, action="before", after={"n": 0})
    count = bulk.COPY_FROM + 10
    events = [
        {
            "action": "watch_referral.create",
            "object_type": "watch_referral",
            "object_id": f"XYZG-{n}",
            "after": {"n": n},
        }
        for n in range(count)
    ]
    stored = record_many(actor=ACTOR, events=events)
    record(actor=ACTOR, action="after", before={"tab\there": "a\\b\nc"})

    assert [e.pk for e in stored] == sorted(e.pk for e in stored)
    rows = list(AuditEvent.objects.order_by("id"))
    assert [r.action for r in rows] == ["before", *["watch_referral.create"] * count, "after"]
    assert [r.after for r in rows[1:-1]] == [{"n": n} for n in range(count)]
    assert rows[1].before is None and rows[-1].before == {"tab\there": "a\\b\nc"}
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(rows, rows[1:], strict=False))
    assert verify_chain().ok
