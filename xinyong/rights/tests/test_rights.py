"""Subject rights end to end through the API (000 §20–21, 002 §15, 003 §19)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from xinyong.accounts.models import User
from xinyong.checks.models import Task
from xinyong.core import clock
from xinyong.lists.models import ListEntry
from xinyong.records.models import Record
from xinyong.subjects.models import Subject
from xinyong.testing.factories import penalty, uscc

COMPANY = uscc(601)
TODAY = dt.date(2025, 6, 2)


@pytest.fixture
def world(api, make_user):
    with clock.frozen_at(TODAY):
        tokens = {
            "court": make_user("initiator", "provider", department="FY", department_name="区人民法院")[1],
            "market": make_user("provider", "initiator", department="SCJG", department_name="区市场监管局")[1],
            "finance": make_user("implementer", department="CZ", department_name="区财政局")[1],
            "office": make_user("credit_office", department="XYB", department_name="区信用办")[1],
        }
        body = {"code": COMPANY, "name": "九江异议测试有限公司", "kind": "legal_person"}
        assert api.post("/subjects", body, token=tokens["market"]).status_code == 201
        subject_user, tokens["company"] = make_user("subject", department="QY")
        User.objects.filter(pk=subject_user.pk).update(subject=Subject.objects.get(key=COMPANY), department=None)
    return tokens


def court_entry(api, world):
    body = {
        "list_type": "black_court_defaulter",
        "subject": COMPANY,
        "basis": "失信被执行人名单规定",
        "document_number": "（2025）赣0404执9号",
        "decided_on": "2025-05-20",
    }
    response = api.post("/list-entries", body, token=world["court"])
    assert response.status_code == 201, response.content
    return response.json()["id"]


def procurement(api, world):
    return api.post("/checks", {"subject": COMPANY, "matter": "government_procurement"}, token=world["finance"]).json()


def object_to(api, world, **target):
    return api.post("/objections", {**target, "reason": "已于判决后全部履行，名单信息有误"}, token=world["company"])


def test_objection_suspends_at_once_and_rejection_restores(api, world):
    with clock.frozen_at(TODAY):
        entry_id = court_entry(api, world)
        assert procurement(api, world)["result"] == "restricted"
        filed = object_to(api, world, list_entry=entry_id)
        assert filed.status_code == 201, filed.content
        objection = filed.json()
        assert objection["handler"] == "FY" and objection["due_on"] == "2025-06-22"  # 20 calendar days

        suspended = procurement(api, world)
        assert suspended["result"] != "restricted"
        assert all(m["suspended"] for m in suspended["measures"] if m["kind"] == "punishment")
        profile = api.get(f"/subjects/{COMPANY}").json()
        assert profile["list_entries"][0]["under_objection"] is True
        assert [o["list_entry"] for o in profile["objections_pending"]] == [entry_id]
        assert object_to(api, world, list_entry=entry_id).status_code == 409
        [task] = api.get("/tasks", token=world["court"]).json()["items"]
        assert (task["action"], task["objection"], task["due_on"]) == ("objection", objection["id"], "2025-06-22")

        mine = api.get("/objections", token=world["company"]).json()["items"]
        assert [o["status"] for o in mine] == ["pending"]
        assert (
            api.post(
                f"/objections/{objection['id']}/decision",
                {"upheld": False, "reason": "经核实仍未履行"},
                token=world["market"],
            ).status_code
            == 403
        )
        rejected = api.post(
            f"/objections/{objection['id']}/decision",
            {"upheld": False, "reason": "经核实仍未履行"},
            token=world["court"],
        )
        assert rejected.json()["status"] == "rejected" and rejected.json()["decision_reason"] == "经核实仍未履行"
        assert procurement(api, world)["result"] == "restricted"
        assert api.get("/tasks", token=world["court"]).json()["count"] == 0
        actions = Task.objects.filter(department__code="CZ").values_list("action", flat=True)
        assert list(actions.order_by("id")) == ["publish", "suspend", "resume"]


def test_upheld_objection_revokes_entry_and_tells_the_implementer(api, world):
    with clock.frozen_at(TODAY):
        entry_id = court_entry(api, world)
        procurement(api, world)
        objection = object_to(api, world, list_entry=entry_id).json()
        decided = api.post(
            f"/objections/{objection['id']}/decision",
            {"upheld": True, "reason": "案件已执行完毕", "outcome": "revoked"},
            token=world["court"],
        )
        assert decided.json()["status"] == "upheld"
        assert ListEntry.objects.get(pk=entry_id).status == "revoked"
        tasks = api.get("/tasks", token=world["finance"]).json()["items"]
        assert [t["action"] for t in tasks] == ["revoke"]
        assert procurement(api, world)["result"] == "clear"
        assert api.get(f"/subjects/{COMPANY}").json()["list_entries"] == []


def test_objection_to_a_record_and_overdue_flag(api, world):
    with clock.frozen_at(TODAY):
        record_id = api.post(
            "/records", {"category": "admin_penalty", "fields": penalty(601)}, token=world["market"]
        ).json()["id"]
        objection = object_to(api, world, record=record_id).json()
        assert Record.objects.get(pk=record_id).status == "under_objection"
        group = api.get(f"/subjects/{COMPANY}").json()["records"][0]
        assert group["items"][0]["under_objection"] is True
    out = io.StringIO()
    call_command("daily", "--date", "2025-06-23", stdout=out)
    assert '"objections_flagged": 1' in out.getvalue()
    with clock.frozen_at(dt.date(2025, 6, 23)):
        listed = api.get("/objections", token=world["market"]).json()["items"]
        assert listed[0]["overdue"] is True
        api.post(
            f"/objections/{objection['id']}/decision",
            {"upheld": True, "reason": "处罚对象登记错误", "outcome": "corrected"},
            token=world["market"],
        )
        assert Record.objects.get(pk=record_id).status == "corrected"
        assert api.get(f"/subjects/{COMPANY}").json()["records"] == []


def test_other_subject_cannot_object(api, world, make_user):
    with clock.frozen_at(TODAY):
        entry_id = court_entry(api, world)
        _, stranger = make_user("subject", department="QY2")
        response = api.post("/objections", {"list_entry": entry_id, "reason": "x"}, token=stranger)
        assert response.status_code == 403
        assert api.post("/objections", {"reason": "x"}, token=world["company"]).status_code == 422


def test_general_penalty_repair_after_three_months_with_commitment(api, world):
    with clock.frozen_at(dt.date(2025, 1, 24)):
        record_id = api.post(
            "/records", {"category": "admin_penalty", "fields": penalty(601)}, token=world["market"]
        ).json()["id"]
        notice = api.get(f"/records/{record_id}/repair-notice", token=world["market"]).json()
        assert notice["earliest_repair_on"] == "2025-04-24" and notice["severity"] == "一般"
    repair = {"record": record_id, "method": "fulfil", "commitment": "", "conditions": ["obligations_performed"]}
    with clock.frozen_at(dt.date(2025, 4, 23)):
        early = api.post("/repairs", {**repair, "commitment": "本公司承诺……"}, token=world["company"])
        assert early.status_code == 422 and early.json()["error"]["code"] == "too_early"
        assert "2025-04-24" in early.json()["error"]["message"]
    with clock.frozen_at(dt.date(2025, 4, 24)):
        missing = api.post("/repairs", repair, token=world["company"])
        assert missing.json()["error"]["code"] == "conditions_missing"
        assert "作出信用承诺" in missing.json()["error"]["message"]
        applied = api.post(
            "/repairs", {**repair, "commitment": "本公司承诺今后依法经营，如有违反愿受惩戒。"}, token=world["company"]
        )
        assert applied.status_code == 201, applied.content
        [commitment] = api.get("/commitments", token=world["company"]).json()["items"]
        assert commitment["kind"] == "repair" and "今后依法经营" in commitment["text"]
        assert api.get(f"/subjects/{COMPANY}").json()["records"] != []
        refused = api.post(f"/repairs/{applied.json()['id']}/decision", {"approve": False}, token=world["market"])
        assert refused.json()["error"]["code"] == "reason_required"
        approved = api.post(
            f"/repairs/{applied.json()['id']}/decision",
            {"approve": True, "reason": "已缴清罚款"},
            token=world["market"],
        )
        assert approved.json()["status"] == "approved"
        profile = api.get(f"/subjects/{COMPANY}").json()
        # The penalty is gone from public view; the repair's public commitment is what remains.
        assert [g["category"] for g in profile["records"]] == ["credit_commitment"]
        assert "已完成信用修复" in profile["repair_notes"][0]["text"]
        # What was public before the repair is still answerable for disputes and audits.
        before = api.get(f"/subjects/{COMPANY}", as_of="2025-04-23").json()
        assert [g["category"] for g in before["records"]] == ["admin_penalty"]
        after = api.get(f"/subjects/{COMPANY}", as_of="2025-04-24").json()
        assert [g["category"] for g in after["records"]] == ["credit_commitment"]


def test_serious_penalty_stops_by_itself_after_three_years(api, world):
    with clock.frozen_at(dt.date(2025, 1, 24)):
        api.post(
            "/records", {"category": "admin_penalty", "fields": penalty(601, CF_YZCD="严重")}, token=world["market"]
        )
    with clock.frozen_at(dt.date(2028, 1, 24)):
        assert len(api.get(f"/subjects/{COMPANY}").json()["records"]) == 1
    with clock.frozen_at(dt.date(2028, 1, 25)):
        assert api.get(f"/subjects/{COMPANY}").json()["records"] == []


def test_list_early_exit_through_repair(api, world):
    """A market-supervision serious violator may leave the list early after its minimum period (12 months)."""
    body = {
        "list_type": "black_market_serious_violation",
        "subject": COMPANY,
        "basis": "严重违法失信名单管理办法",
        "document_number": "柴市监严〔2025〕1号",
        "decided_on": "2025-05-20",
    }
    with clock.frozen_at(TODAY):
        entry_id = api.post("/list-entries", body, token=world["market"]).json()["id"]
        repair = {
            "list_entry": entry_id,
            "method": "rectify",
            "commitment": "承诺依法经营",
            "conditions": ["obligations_performed"],
        }
        early = api.post("/repairs", repair, token=world["company"])
        assert early.json()["error"]["code"] == "too_early" and "2026-05-20" in early.json()["error"]["message"]
    with clock.frozen_at(dt.date(2026, 5, 20)):
        applied = api.post("/repairs", repair, token=world["company"])
        assert applied.status_code == 201, applied.content
        api.post(
            f"/repairs/{applied.json()['id']}/decision", {"approve": True, "reason": "整改到位"}, token=world["market"]
        )
        assert ListEntry.objects.get(pk=entry_id).status == "exited"
        assert not any(m["kind"] == "punishment" and not m["suspended"] for m in procurement(api, world)["measures"])
        then = api.get(f"/subjects/{COMPANY}", as_of="2025-06-02").json()
        assert [e["id"] for e in then["list_entries"]] == [entry_id]
        assert any(m["kind"] == "punishment" for m in then["list_entries"][0]["measures"])
        assert api.get(f"/subjects/{COMPANY}").json()["list_entries"] == []


def test_court_list_has_no_early_exit(api, world):
    with clock.frozen_at(TODAY):
        entry_id = court_entry(api, world)
        response = api.post(
            "/repairs",
            {"list_entry": entry_id, "commitment": "承诺", "conditions": ["obligations_performed"]},
            token=world["company"],
        )
        assert response.json()["error"]["code"] == "no_early_exit"


def test_provider_self_correction(api, world, make_user):
    with clock.frozen_at(TODAY):
        record_id = api.post(
            "/records", {"category": "admin_penalty", "fields": penalty(601)}, token=world["market"]
        ).json()["id"]
        _, other = make_user("provider", department="SW")
        assert (
            api.post(f"/records/{record_id}/correct", {"outcome": "revoked", "reason": "错报"}, token=other).status_code
            == 403
        )
        corrected = api.post(
            f"/records/{record_id}/correct",
            {"outcome": "revoked", "reason": "文书号录入错误，撤回"},
            token=world["market"],
        )
        assert corrected.json()["status"] == "revoked"
        assert api.get(f"/subjects/{COMPANY}").json()["records"] == []
        history = api.get(f"/records/{record_id}", token=world["market"]).json()
        assert history["status_reason"].startswith("自查纠错")
