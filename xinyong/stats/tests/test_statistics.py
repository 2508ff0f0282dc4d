"""Tracking statistics equal what the raw tables say (R28), and the monthly report names laggards."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.db import connection

from xinyong.core import clock
from xinyong.testing.factories import penalty, uscc

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


@pytest.fixture
def office_browser(client, make_user):
    user, _ = make_user("credit_office", department="XYB")
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def test_dashboard_for_the_credit_office(office_browser, month):
    with clock.frozen_at(TODAY):
        page = office_browser.get("/admin/statistics/", {"month": "2025-02"}).content.decode()
    assert "2025年2月社会信用体系建设跟踪问效通报" in page and "信用平台管理后台" in page
    assert "<title>2025年2月社会信用体系建设跟踪问效通报 | 信用平台</title>" in page
    assert "工作滞后部门" in page and "区市场监管局" in page


def test_dashboard_for_any_period_with_the_same_figures_as_the_api_and_downloads_in_the_session(
    api, office_browser, month
):
    period = {"start": "2025-01-15", "end": "2025-02-28"}
    with clock.frozen_at(TODAY):
        response = office_browser.get("/admin/statistics/", period)
        body = api.get("/statistics/departments", token=month["office"], **period).json()
        xlsx = office_browser.get("/admin/statistics/", {**period, "format": "xlsx"})
        pdf = office_browser.get("/admin/statistics/", {**period, "format": "pdf"})
    page = response.content.decode()
    assert "2025年1月15日至2025年2月28日社会信用体系建设跟踪问效通报" in page
    market = next(r for r in body["departments"] if r["department"] == "SCJG")
    shown = next(r for r in response.context["rows"] if r["department"] == "SCJG")
    assert shown["publicity"] == market["publicity"] and shown["publicity"]["overdue"] == 1
    [overdue_link] = re.findall(r'href="(/admin/records/record/\?publicity=overdue[^"]*)"', page)
    with clock.frozen_at(TODAY):
        listed = office_browser.get(overdue_link.replace("&amp;", "&")).context["cl"].result_list
    assert [(r.provider.code, r.published_at) for r in listed] == [("SCJG", None)]
    assert xlsx["Content-Disposition"] == 'attachment; filename="tracking-2025-01-15-2025-02-28.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "2025年1月15日至2025年2月28日社会信用体系建设跟踪问效通报"
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ({"start": "2025-02-28", "end": "2025-01-01"}, "结束日期早于开始日期"),
        ({"start": "2025-02-30", "end": "2025-03-01"}, "起止日期应为 YYYY-MM-DD 格式"),
        ({"month": "2025-13"}, "月份应为 YYYY-MM 格式"),
    ],
)
def test_a_period_that_cannot_be_read_shows_this_month_and_says_why(office_browser, query, problem):
    with clock.frozen_at(TODAY):
        response = office_browser.get("/admin/statistics/", {**query, "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert problem in response.content.decode() and "2025年2月社会信用体系建设跟踪问效通报" in response.content.decode()


def test_the_dashboard_is_for_the_credit_office_and_auditors(client, make_user):
    user, _ = make_user("provider", department="SCJG")
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get("/admin/statistics/").status_code == 403
