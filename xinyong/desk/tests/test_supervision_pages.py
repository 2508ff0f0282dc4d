"""信用监管 in pages (R17–R19, R27, R8; 002 §1 §6 §8 §9 §11): what each desk writes goes through the
supervision services the API calls, with the API's role sets and department rules — a commitment's breach
becomes a dishonesty record, a rectification deadline counts working days, a plan is drawn with its seed
shown and re-drawn to verify it, results are published, referrals decided, industry measures recorded."""

import datetime as dt
import re

import pytest

from xinyong.audit.models import AuditEvent
from xinyong.audit.services import SYSTEM, Actor
from xinyong.core import calendar
from xinyong.records.models import Record
from xinyong.subjects.services import register_subject
from xinyong.supervision.models import (
    Association,
    Commitment,
    IndustryMeasure,
    InspectionPlan,
    Interview,
    RectificationOrder,
    WatchReferral,
)
from xinyong.supervision.services import commitments
from xinyong.testing.factories import uscc
from xinyong.testing.supervision import seed_drawing

COMPANY = uscc(701)


@pytest.fixture
def company(db, frozen):
    subject, _ = register_subject(actor=SYSTEM, code=COMPANY, name="九江守信建材有限公司", kind="legal_person")
    return subject


@pytest.fixture
def market(staff, company):
    return staff("provider", "initiator", "implementer", department="SCJG")


def _commitment(user, company, **kwargs) -> Commitment:
    return commitments.make_commitment(
        actor=Actor.of(user),
        subject=company,
        department=user.department,
        kind="notify",
        item_name="食品经营许可",
        text="本单位承诺具备食品经营条件，如有不实愿承担相应责任。",
        due_on=dt.date(2025, 9, 30),
        **kwargs,
    )


def _errors(response) -> str:
    return " ".join(re.findall(r'class="error"[^>]*>(.*?)</div>', response.content.decode(), re.S))


def test_a_breach_found_in_the_page_becomes_a_dishonesty_record(market, company):
    client, user = market
    made = _commitment(user, company)
    roster = client.get("/desk/supervision/commitments/").content.decode()
    assert made.number in roster and "剩余" in roster and "个工作日" in roster
    empty = client.post(f"/desk/supervision/commitments/{made.pk}/breach", {"breach-breach_kind": "false"})
    assert empty.status_code == 422 and "请填写违诺事实与证据" in _errors(empty)
    done = client.post(
        f"/desk/supervision/commitments/{made.pk}/breach",
        {"breach-breach_kind": "false", "breach-reason": "现场核查发现无冷藏设施（核查记录 HC-2025-17）"},
        follow=True,
    )
    html = done.content.decode()
    assert "已认定违诺，生成失信信息" in html and "未践诺" in html
    made.refresh_from_db()
    breach = Record.objects.get(pk=made.breach_record_id)
    assert breach.category.code == "commitment_breach" and breach.subject == company
    assert breach.category.counts_as_dishonesty  # 002 §1: 违诺 is dishonesty
    assert "虚假承诺" in breach.fields["content"] and "HC-2025-17" in breach.fields["content"]
    event = AuditEvent.objects.get(action="commitment.broken")
    assert (event.actor, event.channel) == (user.username, "desk")
    assert "认定违诺" not in client.get(f"/desk/supervision/commitments/{made.pk}/").content.decode()
    assert made.number not in client.get("/desk/supervision/commitments/").content.decode()  # open ones by default
    assert made.number in client.get("/desk/supervision/commitments/?status=broken").content.decode()


def test_fulfilment_is_confirmed_and_another_department_neither_sees_nor_resolves(market, staff, company):
    client, user = market
    made = _commitment(user, company)
    other, _ = staff("provider", "implementer", department="SW")
    assert other.get(f"/desk/supervision/commitments/{made.pk}/").status_code == 404
    assert other.post(f"/desk/supervision/commitments/{made.pk}/fulfil", {}).status_code == 404
    auditor, _ = staff("auditor", department="SJ")
    page = auditor.get(f"/desk/supervision/commitments/{made.pk}/").content.decode()
    assert made.number in page and "确认践诺" not in page  # reads, acts on nothing
    assert auditor.post(f"/desk/supervision/commitments/{made.pk}/fulfil", {}).status_code == 403
    client.force_login(user)  # `staff` signs the one test client in as each user in turn
    client.post(f"/desk/supervision/commitments/{made.pk}/fulfil", {"fulfil-note": "材料已补齐"})
    made.refresh_from_db()
    assert made.status == Commitment.Status.FULFILLED and made.resolution == "材料已补齐"


def test_a_rectification_deadline_in_working_days_and_its_outcome(market, company, frozen):
    client, user = market
    body = {
        "subject": COMPANY,
        "document_number": "柴市监责改〔2025〕3号",
        "reason": "未按规定公示年度报告",
        "requirements": "补报并公示2024年度报告",
        "working_days": 10,
    }
    missing = client.post("/desk/supervision/rectifications/new/", {**body, "working_days": ""})
    assert "请填写整改期限或整改工作日数" in _errors(missing)
    client.post("/desk/supervision/rectifications/new/", body)
    order = RectificationOrder.objects.get()
    assert order.deadline == calendar.add_working_days(frozen, 10)  # 002 §9, the platform's calendar
    listed = client.get("/desk/supervision/rectifications/").content.decode()
    assert order.number in listed and "剩余 10 个工作日" in listed
    client.post(
        "/desk/supervision/interviews/new",
        {"interview-order": order.pk, "interview-kind": "prompt", "interview-content": "提示按期完成整改"},
    )
    interview = Interview.objects.get()
    assert interview.order == order and interview.subject == company and interview.department == user.department
    client.post(f"/desk/supervision/rectifications/{order.pk}/complete", {"complete-note": "已补报并公示"})
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.RECTIFIED and order.rectified_on == frozen
    page = client.get(f"/desk/supervision/rectifications/{order.pk}/").content.decode()
    assert "按期完成：已补报并公示" in page and "确认整改完成</button>" not in page


def test_an_interview_on_its_own_page_and_a_code_nobody_holds(market, company):
    client, _ = market
    unknown = client.post(
        "/desk/supervision/interviews/new",
        {"interview-subject": uscc(999), "interview-kind": "warning", "interview-content": "警示"},
    )
    assert unknown.status_code == 422 and "未找到该信用主体" in _errors(unknown)
    client.post(
        "/desk/supervision/interviews/new",
        {"interview-subject": COMPANY, "interview-kind": "warning", "interview-content": "警示约谈：按时申报纳税"},
    )
    assert Interview.objects.get().kind == "warning"
    assert "警示约谈：按时申报纳税" in client.get("/desk/supervision/interviews/").content.decode()


def test_a_plan_is_drawn_with_its_seed_shown_verified_and_its_results_recorded(market, company):
    client, _ = market
    seed = seed_drawing(company)
    body = {"plan-name": "食品经营者双随机抽查", "plan-subjects": COMPANY, "plan-inspectors_per_subject": 2}
    refused = client.post("/desk/supervision/inspections/new", {**body, "plan-seed": seed})
    assert refused.status_code == 422 and "执法人员不足" in _errors(refused)
    assert not InspectionPlan.objects.exists()
    for code, name in (("3604042001", "执法员甲"), ("3604042002", "执法员乙")):
        client.post("/desk/supervision/inspections/inspectors", {"inspector-code": code, "inspector-name": name})
    done = client.post("/desk/supervision/inspections/new", {**body, "plan-seed": seed}, follow=True)
    plan = InspectionPlan.objects.get(name="食品经营者双随机抽查")
    html = done.content.decode()
    assert f'<strong class="hash" id="seed">{seed}</strong>' in html and "sha256-rank-v1" in html
    verified = client.post(f"/desk/supervision/inspections/{plan.pk}/verify").content.decode()
    assert "核验一致" in verified
    [task] = plan.tasks.all()
    assert sorted(task.inspectors) == ["3604042001", "3604042002"]
    client.post(
        f"/desk/supervision/inspection-tasks/{task.pk}/result",
        {
            f"task{task.pk}-result": "issues",
            f"task{task.pk}-findings": "进货查验记录不全",
            f"task{task.pk}-rectify_by": "2025-07-31",
        },
    )
    task.refresh_from_db()
    assert task.result == "issues" and task.record.category.code == "random_inspection"
    assert RectificationOrder.objects.get().deadline == dt.date(2025, 7, 31)  # 002 §6: problems → rectify
    again = client.post(f"/desk/supervision/inspection-tasks/{task.pk}/result", {f"task{task.pk}-result": "passed"})
    assert again.status_code == 422


def test_the_credit_office_accepts_or_dismisses_a_referral_and_others_only_read(staff, company):
    referral, other = (
        WatchReferral.objects.create(
            number=f"XYZG-2025-00000{n}", subject=company, source="grade", reason=reason, created_at=_now()
        )
        for n, reason in ((1, "评价为D级"), (2, "再次评价为D级"))
    )
    auditor, _ = staff("auditor", department="SJ")
    page = auditor.get("/desk/supervision/referrals/").content.decode()
    assert "评价为D级" in page and "不予列入</button>" not in page
    assert auditor.post(f"/desk/supervision/referrals/{referral.pk}/dismiss", {}).status_code == 403
    office, _ = staff("credit_office", department="XYB")
    empty = office.post(f"/desk/supervision/referrals/{referral.pk}/dismiss", {})
    assert empty.status_code == 422 and "请填写不予列入的理由" in _errors(empty)
    office.post(f"/desk/supervision/referrals/{referral.pk}/dismiss", {f"dismiss{referral.pk}-note": "已整改到位"})
    referral.refresh_from_db()
    assert referral.status == "dismissed" and referral.note == "已整改到位"
    office.post(f"/desk/supervision/referrals/{other.pk}/accept", {f"accept{other.pk}-note": "列入"})
    other.refresh_from_db()
    assert other.status == "listed" and other.entry.list_type.kind == "watch"


def _now():
    from xinyong.core import clock

    return clock.now()


def test_an_association_records_an_industry_measure_on_its_member(staff, company):
    client, user = staff("association", department="SPXH")
    Association.objects.create(code="SPXH", name="柴桑区食品行业协会", department=user.department)
    assert client.get("/desk/supervision/associations/").url == "/desk/supervision/associations/SPXH/"
    measure = {
        "measure-subject": COMPANY,
        "measure-kind": "censure",
        "measure-document_number": "柴食协〔2025〕2号",
        "measure-reason": "违背行规，销售过期食品",
        "measure-decided_on": "2025-06-30",
    }
    not_member = client.post("/desk/supervision/associations/SPXH/measures", measure)
    assert not_member.status_code == 422 and "只适用于本协会会员" in _errors(not_member)
    client.post(
        "/desk/supervision/associations/SPXH/members", {"member-subject": COMPANY, "member-member_number": "SP-018"}
    )
    client.post("/desk/supervision/associations/SPXH/measures", measure)
    applied = IndustryMeasure.objects.get()
    assert (applied.subject, applied.kind.code, applied.status) == (company, "censure", "active")
    other, theirs = staff("association", department="JZXH")
    Association.objects.create(code="JZXH", name="建筑业协会", department=theirs.department)
    assert other.get("/desk/supervision/associations/SPXH/").status_code == 403
    assert (
        other.post(f"/desk/supervision/industry-measures/{applied.pk}/revoke", {"revoke-reason": "x"}).status_code
        == 403
    )
    client.force_login(user)
    client.post(f"/desk/supervision/industry-measures/{applied.pk}/revoke", {"revoke-reason": "复核撤销"})
    applied.refresh_from_db()
    assert applied.status == "revoked" and applied.end_reason == "复核撤销"


def test_the_hub_lists_the_desks_a_role_may_open(staff, market, company):
    client, user = market
    _commitment(user, company)
    hub = client.get("/desk/supervision/").content.decode()
    assert "信用承诺" in hub and "待办 1 项" in hub and "重点关注提请" not in hub and "行业协会" not in hub
    office, _ = staff("credit_office", department="XYB")
    assert "重点关注提请" in office.get("/desk/supervision/").content.decode()
    assert 'href="/desk/supervision/"' in office.get("/desk/").content.decode()
    watcher, _ = staff("discipline", department="JW")
    assert watcher.get("/desk/supervision/").status_code == 403


def test_the_navigation_knows_every_supervision_page():
    from xinyong.desk import supervision
    from xinyong.desk.supervision import urls

    assert sorted(supervision.PAGES) == sorted(f"desk:{p.name}" for p in urls.urlpatterns if p.name != "supervision")
