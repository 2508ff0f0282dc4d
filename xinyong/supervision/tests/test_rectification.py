"""Rectification by a deadline and interviews (R19; 002 §8–9): orders and interview records enter the
subject's record; an order still open after its deadline puts the subject on the watch list."""

import datetime as dt

from xinyong.audit.models import AuditEvent
from xinyong.core import calendar, clock
from xinyong.lists.models import ListEntry
from xinyong.records.models import Record
from xinyong.supervision.models import RectificationOrder, WatchReferral
from xinyong.testing.supervision import COMPANY, TODAY, daily, post_penalty

ORDER = {
    "subject": COMPANY,
    "document_number": "柴市监责改〔2025〕12号",
    "reason": "未按规定建立进货查验记录制度",
    "requirements": "建立并落实进货查验记录制度，提交整改报告",
    "working_days": 10,
}


def order(api, world, **extra) -> dict:
    response = api.post("/rectifications", {**ORDER, **extra}, token=world["market"])
    assert response.status_code == 201, response.content
    return response.json()


def test_overdue_rectification_escalates_to_the_watch_list(api, world):
    penalty = post_penalty(api, world["market"])
    made = order(api, world, record=penalty["id"])
    deadline = calendar.add_working_days(TODAY, 10)
    assert made["deadline"] == deadline.isoformat() and made["status"] == "open"
    record = Record.objects.get(pk=made["record"])
    assert record.category.code == "rectification" and record.fields["deadline"] == deadline.isoformat()

    # 整改不到位: the department that ordered it holds a warning interview (谁认定、谁约谈).
    interview = {"subject": COMPANY, "kind": "warning", "content": "督促限期整改", "rectification": made["id"]}
    assert api.post("/interviews", interview, token=world["housing"]).status_code == 403
    held = api.post("/interviews", {**interview, "interviewees": "法定代表人 张三"}, token=world["market"])
    assert held.status_code == 201, held.content
    interview_record = Record.objects.get(pk=held.json()["record"])
    assert interview_record.category.code == "interview" and "警示约谈" in interview_record.fields["content"]
    # Government-shared records stay off the public profile.
    public = [g["category"] for g in api.get(f"/subjects/{COMPANY}").json()["records"]]
    assert "rectification" not in public and "interview" not in public
    # They lower the grade, and the public explanation counts them without naming them.
    grade = api.get(f"/subjects/{COMPANY}").json()["credit_grade"]
    assert (grade["grade"], grade["score"]) == ("C", "65.00")  # 80 − 10 (penalty) − 2 (order) − 3 (interview)
    assert grade["non_public"] == {"count": 2, "applied": "-5.00"} and "非公开信息2条 -5" in grade["explanation"]
    assert "约谈" not in grade["explanation"] and "整改" not in grade["explanation"]

    assert daily(deadline)["rectifications_overdue"] == {"escalated": 0, "listed": 0}
    assert daily(deadline + dt.timedelta(days=1))["rectifications_overdue"] == {"escalated": 1, "listed": 1}

    escalated = RectificationOrder.objects.get(pk=made["id"])
    assert escalated.status == "escalated"
    referral = WatchReferral.objects.get(order=escalated)
    entry = ListEntry.objects.get(pk=referral.entry_id)
    assert entry.list_type.code == "watch_key_attention" and entry.status == "active"
    assert entry.initiator.code == "XYB" and entry.created_by == "system-xyb"
    assert entry.document_number == referral.number and "逾期未整改" in entry.reason
    assert set(entry.records.values_list("pk", flat=True)) == {made["record"], penalty["id"]}
    assert AuditEvent.objects.filter(action="list_entry.create", object_id=str(entry.pk), actor="system-xyb").exists()
    assert AuditEvent.objects.filter(action="rectification.escalate", object_id=made["number"]).exists()

    # The watch list's strict supervision now reaches the implementers' checks.
    with clock.frozen_at(deadline + dt.timedelta(days=1)):
        check = api.post("/checks", {"subject": COMPANY, "matter": "supervision_inspection"}, token=world["finance"])
    codes = [m["code"] for m in check.json()["measures"] if m["source"]["list_type"] == "watch_key_attention"]
    assert "watch_strict_supervision" in codes
    # Idempotent: nothing more the next day.
    assert daily(deadline + dt.timedelta(days=2))["rectifications_overdue"] == {"escalated": 0, "listed": 0}
    assert ListEntry.objects.filter(list_type__code="watch_key_attention").count() == 1


def test_rectified_in_time_is_not_escalated(api, world):
    made = order(api, world, deadline="2025-06-20")
    assert (
        api.post(f"/rectifications/{made['id']}/complete", {"note": "已整改"}, token=world["housing"]).status_code
        == 403
    )
    done = api.post(
        f"/rectifications/{made['id']}/complete", {"note": "已建立进货查验台账并提交报告"}, token=world["market"]
    )
    assert done.status_code == 200 and done.json()["status"] == "rectified"
    versions = Record.objects.filter(category__code="rectification").order_by("id")
    assert [r.is_current for r in versions] == [False, True] and "按期完成整改" in versions[1].fields["remarks"]
    assert daily(dt.date(2025, 7, 1))["rectifications_overdue"] == {"escalated": 0, "listed": 0}
    assert not ListEntry.objects.filter(list_type__code="watch_key_attention").exists()


def test_prompt_interview_without_an_order(api, world):
    held = api.post(
        "/interviews", {"subject": COMPANY, "kind": "prompt", "content": "提示依法诚信经营"}, token=world["housing"]
    )
    assert held.status_code == 201 and held.json()["kind_display"] == "提示约谈"
    assert api.get("/interviews", token=world["housing"]).json()["count"] == 1
    assert api.get("/interviews", token=world["market"]).json()["count"] == 0
    assert api.get("/interviews", token=world["office"]).json()["count"] == 1
    bad = api.post("/interviews", {"subject": COMPANY, "kind": "chat", "content": "x"}, token=world["housing"])
    assert bad.json()["error"]["code"] == "invalid_kind"


def test_deadline_must_be_in_the_future(api, world):
    response = api.post("/rectifications", {**ORDER, "deadline": "2025-06-01"}, token=world["market"])
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_deadline"
