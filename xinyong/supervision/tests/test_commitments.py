"""Credit commitments end to end (R17; 002 §1): 容缺受理 and 告知承诺, public on the profile, fulfilment
tracked to the deadline by the daily job, a broken commitment becoming a dishonesty record."""

import datetime as dt

from xinyong.accounts.models import Department
from xinyong.audit.models import AuditEvent
from xinyong.audit.services import Actor
from xinyong.catalog.models import Category
from xinyong.core import calendar, clock
from xinyong.records.models import Record
from xinyong.subjects.models import Subject
from xinyong.supervision.models import Commitment
from xinyong.supervision.services import make_commitment
from xinyong.testing.factories import uscc
from xinyong.testing.supervision import COMPANY, TODAY, daily, post_penalty

TOLERANCE = {
    "template": "food_business_tolerance",
    "missing_materials": "食品安全管理制度文本、从业人员健康证明",
    "reference": "SCJG-XK-2025-0601",
}


def profile(api) -> dict:
    return api.get(f"/subjects/{COMPANY}").json()


def records_of(category: str) -> list[Record]:
    return list(Record.objects.filter(subject__key=COMPANY, category__code=category).order_by("id"))


def test_breach_category_counts_as_dishonesty_and_commitment_category_does_not(db):
    assert Category.objects.get(code="commitment_breach").counts_as_dishonesty is True
    assert Category.objects.get(code="credit_commitment").counts_as_dishonesty is False


def test_templates_are_public(api, db):
    templates = api.get("/commitment-templates").json()
    tolerance = next(t for t in templates if t["code"] == "food_business_tolerance")
    assert tolerance["kind"] == "tolerance" and tolerance["deadline_working_days"] == 20
    assert tolerance["department"] == "SCJG" and tolerance["matter"] == "market_access"
    only = api.get("/commitment-templates", matter="qualification_approval").json()
    assert [t["code"] for t in only] == ["construction_qualification_notify"]


def test_missed_tolerance_deadline_breaks_the_commitment_into_a_dishonesty_record(api, world):
    made = api.post("/commitments", TOLERANCE, token=world["company"])
    assert made.status_code == 201, made.content
    commitment = made.json()
    due = calendar.add_working_days(TODAY, 20)
    assert commitment["kind"] == "tolerance" and commitment["department_code"] == "SCJG"
    assert commitment["status"] == "pending" and commitment["due_on"] == due.isoformat()

    # Public at once: on the profile's commitments and as a credit_commitment record (履约中).
    [public] = profile(api)["commitments"]
    assert public["number"] == commitment["number"] and public["status_display"] == "履约中"
    assert "容缺受理" in public["text"] and due.isoformat() in public["text"]
    [record] = records_of("credit_commitment")
    assert record.fields["fulfilment"] == "履约中" and record.published_at is not None
    # A clean subject still gets the no-dishonesty incentives in a licensing check.
    before = api.post("/checks", {"subject": COMPANY, "matter": "market_access"}, token=world["finance"]).json()
    assert before["result"] == "incentive"

    assert daily(due)["commitments_due"] == {"broken": 0, "fulfilled": 0}
    jobs = daily(due + dt.timedelta(days=1))
    assert jobs["commitments_due"] == {"broken": 1, "fulfilled": 0}

    broken = Commitment.objects.get(number=commitment["number"])
    assert broken.status == "broken" and broken.breach_kind == "逾期未履行"
    [breach] = records_of("commitment_breach")
    assert breach.category.counts_as_dishonesty and breach.decision_number == f"{commitment['number']}-WN"
    assert breach.fields["commitment_number"] == commitment["number"]
    assert breach.provider.code == "SCJG" and breach.channel == "system"
    versions = records_of("credit_commitment")
    assert [r.fields["fulfilment"] for r in versions] == ["履约中", "未践诺"]
    assert versions[-1].is_current and versions[-1].supersedes_id == versions[0].pk

    with clock.frozen_at(due + dt.timedelta(days=1)):
        shown = profile(api)
        assert shown["commitments"][0]["status"] == "broken"
        assert "commitment_breach" in [g["category"] for g in shown["records"]]
        assert shown["credit_grade"]["grade"] == "C"  # 80 − 15 (违背信用承诺)
        assert "违背信用承诺" in shown["credit_grade"]["explanation"]
        after = api.post("/checks", {"subject": COMPANY, "matter": "market_access"}, token=world["finance"]).json()
        assert after["result"] != "incentive"  # a dishonesty record ends the clean-record incentives
    assert AuditEvent.objects.filter(action="commitment.broken", object_id=commitment["number"]).exists()

    # Idempotent: the next day's run changes nothing.
    assert daily(due + dt.timedelta(days=2))["commitments_due"] == {"broken": 0, "fulfilled": 0}
    assert len(records_of("commitment_breach")) == 1


def test_material_supplied_in_time_is_kept(api, world):
    commitment = api.post("/commitments", TOLERANCE, token=world["company"]).json()
    refused = api.post(f"/commitments/{commitment['id']}/fulfil", {"note": "材料已补齐"}, token=world["housing"])
    assert refused.status_code == 403
    kept = api.post(f"/commitments/{commitment['id']}/fulfil", {"note": "材料已补齐"}, token=world["market"])
    assert kept.status_code == 200 and kept.json()["status"] == "fulfilled"
    assert api.post(f"/commitments/{commitment['id']}/fulfil", {}, token=world["market"]).status_code == 422
    assert daily(TODAY + dt.timedelta(days=60))["commitments_due"] == {"broken": 0, "fulfilled": 0}
    assert not records_of("commitment_breach")
    assert records_of("credit_commitment")[-1].fields["fulfilment"] == "已践诺"
    grade = api.get(f"/grades/{COMPANY}", token=world["office"]).json()["current"]
    assert grade["score"] == "82.00"  # 80 + 2 (信用承诺已践诺)


def test_department_records_a_false_notification_commitment(api, world):
    body = {"template": "construction_qualification_notify", "subject": COMPANY}
    made = api.post("/commitments", body, token=world["housing"])
    assert made.status_code == 201, made.content
    commitment = made.json()
    assert commitment["kind"] == "notify" and commitment["department_code"] == "ZJ"
    assert commitment["due_on"] == "2026-06-03"  # 12-month verification period of the template
    listed = api.get("/commitments", token=world["company"]).json()
    assert [c["number"] for c in listed["items"]] == [commitment["number"]]
    assert api.get("/commitments", token=world["market"]).json()["items"] == []

    breach = {"reason": "核查发现申报的注册建造师未在本单位执业", "breach_kind": "false"}
    broken = api.post(f"/commitments/{commitment['id']}/breach", breach, token=world["housing"])
    assert broken.status_code == 200, broken.content
    assert broken.json()["status"] == "broken" and broken.json()["breach_kind"] == "虚假承诺"
    [record] = records_of("commitment_breach")
    assert record.fields["breach_kind"] == "虚假承诺" and "注册建造师" in record.fields["content"]


def test_notification_commitment_kept_through_its_verification_period(api, world):
    made = api.post("/commitments", {"template": "food_business_notify", "subject": COMPANY}, token=world["market"])
    commitment = made.json()
    end = dt.date.fromisoformat(commitment["due_on"])
    assert daily(end + dt.timedelta(days=1))["commitments_due"] == {"broken": 0, "fulfilled": 1}
    assert Commitment.objects.get(pk=commitment["id"]).status == "fulfilled"
    assert not records_of("commitment_breach")


def test_tolerance_is_refused_to_a_low_grade(api, world):
    post_penalty(api, world["market"], CF_YZCD="严重")  # 80 − 25 = 55: D, which does not allow 容缺受理
    refused = api.post("/commitments", TOLERANCE, token=world["company"])
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "tolerance_not_allowed"
    missing = api.post("/commitments", {**TOLERANCE, "missing_materials": ""}, token=world["company"])
    assert missing.json()["error"]["code"] == "missing_materials_required"


def test_subject_commits_only_for_itself(api, world):
    other = uscc(702)
    api.post("/subjects", {"code": other, "name": "九江另一家公司", "kind": "legal_person"}, token=world["market"])
    response = api.post("/commitments", {**TOLERANCE, "subject": other}, token=world["company"])
    assert response.status_code == 403
    no_text = api.post("/commitments", {"kind": "voluntary", "department": "SCJG"}, token=world["company"])
    assert no_text.json()["error"]["code"] == "text_required"


def test_make_commitment_is_callable_by_other_flows(world):
    """The credit-repair flow records its commitment through the service (kind `repair`)."""
    subject = Subject.objects.get(key=COMPANY)
    made = make_commitment(
        actor=Actor(name="repair-flow"),
        subject=subject,
        department=Department.objects.get(code="SCJG"),
        template_code="credit_repair",
        reference="修复申请#12",
    )
    assert made.kind == "repair" and made.due_on == dt.date(2026, 6, 3) and made.record.is_current
    assert made.record.category.code == "credit_commitment" and made.reference == "修复申请#12"
