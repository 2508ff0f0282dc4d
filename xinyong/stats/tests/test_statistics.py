"""Tracking statistics equal what the raw tables say (R28), and the monthly report names laggards."""

import datetime as dt

import pytest
from django.db import connection

from xinyong.core import clock
from xinyong.records.tests.factories import penalty, uscc

TODAY = dt.date(2025, 2, 20)


def raw(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@pytest.fixture
def month(api, make_user):
    """February 2025 in a district: the market regulator publishes late and leaves one decision unpublished."""
    with clock.frozen_at(dt.date(2025, 2, 7)):
        market = make_user("provider", "initiator", department="SCJG", department_name="区市场监管局")[1]
        court = make_user("initiator", department="FY", department_name="区法院")[1]
        finance = make_user("implementer", department="CZ", department_name="区财政局")[1]
        office = make_user("credit_office", department="XYB")[1]
        api.post(
            "/records", {"category": "admin_penalty", "fields": penalty(1, CF_JDRQ="2025-02-05")}, token=market
        )  # due 02-14: on time
    with clock.frozen_at(dt.date(2025, 2, 17)):
        api.post("/records", {"category": "admin_penalty", "fields": penalty(2, CF_JDRQ="2025-02-05")}, token=market)
        api.post(
            "/records",
            {"category": "admin_penalty", "fields": penalty(3, CF_JDRQ="2025-02-05"), "publish": False},
            token=market,
        )
    with clock.frozen_at(TODAY):
        entry = {
            "list_type": "black_court_defaulter",
            "subject": uscc(1),
            "basis": "失信被执行人名单规定",
            "document_number": "（2025）赣0404执1号",
            "decided_on": "2025-02-18",
        }
        assert api.post("/list-entries", entry, token=court).status_code == 201
        answer = api.post("/checks", {"subject": uscc(1), "matter": "government_procurement"}, token=finance).json()
        measure = next(m["code"] for m in answer["measures"] if m["kind"] == "punishment")
        api.post(f"/checks/{answer['check_id']}/feedback", {"measure": measure, "applied": True}, token=finance)
        api.post("/checks", {"subject": uscc(2), "matter": "government_procurement"}, token=finance)
    return {"office": office, "market": market}


def _stats(api, token):
    with clock.frozen_at(TODAY):
        body = api.get("/statistics/departments", token=token, start="2025-01-01", end="2025-02-28").json()
    return {row["department"]: row for row in body["departments"]}


def test_figures_equal_the_raw_data(api, month):
    rows = _stats(api, month["office"])
    market, court, finance = rows["SCJG"], rows["FY"], rows["CZ"]
    assert market["records_pushed"] == raw(
        "SELECT COUNT(*) FROM records_record r JOIN accounts_department d ON d.id = r.provider_id WHERE d.code = %s",
        ["SCJG"],
    )
    assert market["publicity"]["total"] == raw(
        "SELECT COUNT(*) FROM records_record WHERE publish_due IS NOT NULL AND is_current"
    )
    assert market["publicity"]["overdue"] == raw(
        "SELECT COUNT(*) FROM records_record WHERE published_at IS NULL AND publish_due < %s", [TODAY]
    )
    assert (market["publicity"]["on_time"], market["publicity"]["late"]) == (1, 1)
    assert court["entries_initiated"] == raw("SELECT COUNT(*) FROM lists_listentry WHERE derived_from_id IS NULL")
    assert finance["checks"] == raw("SELECT COUNT(*) FROM checks_check")
    assert finance["feedback"] == raw("SELECT COUNT(*) FROM checks_feedback")
    answered = raw("SELECT SUM(measure_count) FROM checks_check")
    assert finance["feedback_rate"] == round(1 / answered, 4)


def test_monthly_report_names_lagging_departments_in_every_format(api, month):
    with clock.frozen_at(TODAY):
        report = api.get("/statistics/monthly", token=month["office"], month="2025-02").json()
        assert "SCJG" in report["lagging"]
        market = next(r for r in report["departments"] if r["department"] == "SCJG")
        assert any("逾期未公示" in reason for reason in market["lagging_reasons"])
        xlsx = api.get("/statistics/monthly", token=month["office"], month="2025-02", format="xlsx")
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
        pdf = api.get("/statistics/monthly", token=month["office"], month="2025-02", format="pdf")
        assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
        assert api.get("/statistics/monthly", token=month["office"], month="2025-13").status_code == 422
        assert api.get("/statistics/monthly", token=month["market"], month="2025-02").status_code == 403


def test_dashboard_for_the_credit_office(client, month, make_user):
    user, _ = make_user("credit_office", department="XYB")
    user.is_staff = True
    user.save()
    client.force_login(user)
    with clock.frozen_at(TODAY):
        page = client.get("/admin/statistics/", {"month": "2025-02"}).content.decode()
    assert "工作滞后部门" in page and "区市场监管局" in page
