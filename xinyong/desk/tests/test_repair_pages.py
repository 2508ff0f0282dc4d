"""信用修复 through the pages (Django's test client): the department that decided the penalty (谁认定、谁修复)
reviews the conditions against what the subject supplied with the dates its rules allow, sees the repair
note before it is published, refuses only with a reason, and prints the repair notice delivered with the
penalty decision (两书同达). Sources: 000 §20 (repair note published), 002 §15 (repair mechanism, 两书同达)."""

import datetime as dt

import pytest

from xinyong.accounts.models import User
from xinyong.audit.services import Actor
from xinyong.core import clock
from xinyong.records.models import Record
from xinyong.rights import services as rights
from xinyong.rights.models import Repair, RepairNote
from xinyong.subjects.models import Subject
from xinyong.testing.factories import penalty, uscc

COMPANY = uscc(602)


@pytest.fixture
def world(api, make_user, client):
    with clock.frozen_at(dt.date(2025, 1, 24)):
        market, token = make_user("provider", "initiator", department="SCJG", department_name="区市场监管局")
        make_user("provider", department="SW", department_name="区税务局")
        make_user("credit_office", department="XYB", department_name="区信用办")
        created = api.post("/records", {"category": "admin_penalty", "fields": penalty(602)}, token=token)
        assert created.status_code == 201, created.content
        company, _ = make_user("subject", department="QY")
        User.objects.filter(pk=company.pk).update(subject=Subject.objects.get(key=COMPANY), department=None)
    return {"record": Record.objects.get(pk=created.json()["id"]), "company": User.objects.get(pk=company.pk)}


def apply(world, **changes) -> Repair:
    company = world["company"]
    data = {
        "record_id": world["record"].pk,
        "entry_id": None,
        "methods": ["fulfil", "commit"],
        "commitment": "本公司承诺今后依法经营，如有违反愿受惩戒。",
        "conditions_met": ["obligations_performed"],
        **changes,
    }
    return rights.apply_repair(actor=Actor.of(company), user=company, **data)


def sign_in(client, code: str, role: str):
    client.force_login(User.objects.get(department__code=code, roles__code=role))
    return client


def html(response) -> str:
    return response.content.decode()


def test_the_deciding_department_reviews_previews_the_note_and_approves(client, world):
    with clock.frozen_at(dt.datetime(2025, 4, 24, 10, 0)):  # the minimum 3 months served (一般)
        repair = apply(world)
        market = sign_in(client, "SCJG", "provider")
        queue = html(market.get("/desk/repairs/"))
        # 10 working days from Thursday 04-24, the May Day holiday (05-01..05) skipped: 05-12.
        assert "2025-05-12" in queue and "剩 10 个工作日" in queue and '信用修复 <span class="count">1' in queue
        page = html(market.get(f"/desk/repairs/{repair.pk}/"))
        assert page.count("✓ 已提供") == 2 and "已履行法定义务" in page and "今后依法经营" in page
        assert "2025-04-24（最短公示期" in page and "2026-01-24" in page  # earliest and latest (3–12 months)
        assert "履行法定义务、作出信用承诺" in page

        preview = html(market.post(f"/desk/repairs/{repair.pk}/decide", {"approve": "1", "reason": "已履行"}))
        note = "九江测试商贸有限公司602已完成信用修复，行政处罚信息（柴市监罚〔2025〕602号）自2025-04-24起停止公示"
        assert note in preview and "确认修复并公示" in preview
        assert Repair.objects.get(pk=repair.pk).status == Repair.Status.PENDING  # nothing published yet

        confirm = {"approve": "1", "reason": "已履行", "step": "confirm"}
        done = html(market.post(f"/desk/repairs/{repair.pk}/decide", confirm, follow=True))
        assert "已准予修复" in done and note in done
        assert RepairNote.objects.get(repair=repair).text.startswith(note)
        world["record"].refresh_from_db()
        assert world["record"].status == Record.Status.REPAIRED
    assert note in html(client.get("/repairs"))  # on the portal
    assert note in html(client.get(f"/subjects/{COMPANY}"))


def test_a_refusal_needs_a_reason_and_another_department_cannot_decide(client, world):
    with clock.frozen_at(dt.datetime(2025, 4, 24, 10, 0)):
        repair = apply(world)
        tax = sign_in(client, "SW", "provider")
        assert tax.get(f"/desk/repairs/{repair.pk}/").status_code == 404
        assert tax.post(f"/desk/repairs/{repair.pk}/decide", {"approve": "1", "step": "confirm"}).status_code == 404
        market = sign_in(client, "SCJG", "provider")
        missing = market.post(f"/desk/repairs/{repair.pk}/decide", {"approve": "0", "reason": ""})
        assert missing.status_code == 422 and "不予修复须说明理由" in html(missing)
        refused = market.post(
            f"/desk/repairs/{repair.pk}/decide", {"approve": "0", "reason": "罚款尚未缴清"}, follow=True
        )
        assert "已决定不予修复" in html(refused) and "罚款尚未缴清" in html(refused)
        assert not RepairNote.objects.exists()


def test_the_repair_notice_prints_as_a_pdf_for_its_provider_only(client, world):
    record = world["record"]
    with clock.frozen_at(dt.date(2025, 1, 24)):
        pdf = sign_in(client, "SCJG", "provider").get(f"/desk/repairs/notice/{record.pk}.pdf")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-") and "inline" in pdf["Content-Disposition"]
        assert sign_in(client, "SW", "provider").get(f"/desk/repairs/notice/{record.pk}.pdf").status_code == 403
        assert sign_in(client, "XYB", "credit_office").get(f"/desk/repairs/notice/{record.pk}.pdf").status_code == 200


def test_the_credit_office_sees_every_departments_repairs_with_their_on_time_rate(client, world):
    with clock.frozen_at(dt.datetime(2025, 4, 24, 10, 0)):
        repair = apply(world)
    with clock.frozen_at(dt.datetime(2025, 5, 6, 10, 0)):
        confirm = {"approve": "1", "reason": "已履行", "step": "confirm"}
        sign_in(client, "SCJG", "provider").post(f"/desk/repairs/{repair.pk}/decide", confirm)
        page = html(sign_in(client, "XYB", "credit_office").get("/desk/repairs/?state=done"))
        assert '<td data-label="办理部门">区市场监管局' in page and "按期" in page and ">100%<" in page
