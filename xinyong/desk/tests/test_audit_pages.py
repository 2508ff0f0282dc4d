"""审计日志 in pages (R29; architecture §4b): the auditor reads the trail with actions named in Chinese and
each event's fields before and after in a table, filters it, and runs the chain verification that
`xinyong audit verify` runs; reading the trail is itself audited; no other role opens the page."""

import re

from django.db import connection

from xinyong.accounts.models import Department
from xinyong.audit import names
from xinyong.audit.models import AuditEvent
from xinyong.audit.services import Actor, record
from xinyong.audit.tests.test_audit_chain import _drop_append_only_triggers


def _status_change(**kwargs):
    return record(
        actor=Actor(name="scjg", department="SCJG", channel="desk"),
        action="commitment.broken",
        object_type="commitment",
        object_id="CN-1",
        before={"status": "pending", "note": "按期履行"},
        after={"status": "broken", "note": "按期履行"},
        **kwargs,
    )


def test_the_auditor_reads_an_event_in_chinese_with_its_changed_fields(staff, frozen):
    event = _status_change()
    client, auditor = staff("auditor", department="SJ")
    html = client.get("/desk/audit/").content.decode()
    row = re.search(rf'<tr id="event-{event.pk}">(.*?)</table></td>\s*</tr>', html, re.S)[1]
    assert "信用承诺违诺" in row and "工作台" in row and "scjg" in row
    assert re.search(
        r'<tr class="changed"><th scope="row">状态 <span class="tag">已变更</span></th>'
        r"<td>pending</td><td>broken</td></tr>",
        row,
    )
    assert re.search(r"<tr><th scope=\"row\">说明</th><td>按期履行</td><td>按期履行</td></tr>", row)
    assert "{&quot;" not in row  # not raw JSON
    query = AuditEvent.objects.filter(action="audit.query", actor=auditor.username).get()
    assert query.channel == "desk" and query.after == {"filters": {}, "page": 1}


def test_filters_narrow_by_actor_department_object_action_and_date(staff, frozen):
    Department.objects.create(code="SCJG", name="市场监督管理局")
    event = _status_change()
    record(actor=Actor(name="swj", department="SW"), action="record.publish", object_type="record", object_id=9)
    client, _ = staff("auditor", department="SJ")

    def shown(**query):
        return set(map(int, re.findall(r'<tr id="event-(\d+)">', client.get("/desk/audit/", query).content.decode())))

    assert shown(actor="scjg") == {event.pk}
    assert shown(department="SCJG") == {event.pk}
    assert shown(object_type="commitment", object_id="CN-1") == {event.pk}
    assert shown(action="commitment") == {event.pk}
    assert event.pk in shown(start="2025-06-30", end="2025-06-30")
    assert shown(start="2025-07-01") == set()
    queries = AuditEvent.objects.filter(action="audit.query").count()
    html = client.get("/desk/audit/", {"start": "2025-07-01", "end": "2025-06-01"}).content.decode()
    assert "结束日期早于开始日期" in html and 'id="event-' not in html  # nothing shown for a refused filter
    assert shown(department="NOSUCH") == set()
    assert AuditEvent.objects.filter(action="audit.query").count() == queries  # refused filters query nothing
    assert AuditEvent.objects.filter(action="audit.query", after__filters__actor="scjg").exists()


def test_the_chain_verification_button_reports_intact_then_the_first_altered_event(staff, frozen):
    events = [_status_change() for _ in range(3)]
    client, auditor = staff("auditor", department="SJ")
    done = client.post("/desk/audit/verify", follow=True).content.decode()
    assert re.search(r"审计链完好：共 \d+ 条事件", done)
    verified = AuditEvent.objects.get(action="audit.verify")
    assert verified.actor == auditor.username and verified.after["ok"] is True

    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor = 'mallory' WHERE id = %s", [events[1].pk])
    broken = client.post("/desk/audit/verify", follow=True).content.decode()
    assert f"审计链在事件 #{events[1].pk} 处断裂" in broken and "该事件被篡改" in broken
    assert AuditEvent.objects.filter(action="audit.verify").last().after["first_broken_id"] == events[1].pk


def test_only_the_auditor_opens_the_trail(staff, frozen):
    for role in ("credit_office", "provider", "discipline"):
        client, _ = staff(role, department="D1")
        assert client.get("/desk/audit/").status_code == 403
        assert client.post("/desk/audit/verify").status_code == 403
        assert "审计日志" not in client.get("/desk/").content.decode()
    client, _ = staff("auditor", department="SJ")
    assert 'href="/desk/audit/"' in client.get("/desk/").content.decode()


def _written_actions() -> set[str]:
    """Every action code the source writes literally (`action="x.y"`)."""
    from pathlib import Path

    root = Path(names.__file__).parents[1]
    found = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        found |= set(re.findall(r'\baction="([a-z_]+\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
    return found


def test_every_action_the_code_writes_has_a_chinese_name():
    written = _written_actions()
    assert len(written) > 50  # the search finds them
    # And the composed ones (f-strings): record and commitment outcomes, entry endings, report steps.
    composed = {
        "record.created",
        "record.version",
        "commitment.fulfilled",
        "commitment.broken",
        "list_entry.revoke",
        "list_entry.repair",
        "dishonesty_report.assign",
        "federation.record.created",
        "measure.save",
        "user.delete",
    }
    assert sorted(code for code in written | composed if not names.is_named(code)) == []
