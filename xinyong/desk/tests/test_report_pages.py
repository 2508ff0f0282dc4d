"""失信举报 through the pages (Django's test client): the credit office triages — assigns to a department that
is not the reported body, or declines with a reason the reporter reads; the handler accepts, investigates,
concludes and replies; the reporter's identity and the attachments are on the handler's page only (000 §12:
对举报人信息严格保密; 003 §15: 社会监督)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xinyong.accounts.models import Department, User
from xinyong.audit.models import AuditEvent
from xinyong.core import clock
from xinyong.demo import data as demo
from xinyong.demo.data import demo_uscc
from xinyong.portal import services as portal
from xinyong.portal.models import DishonestyReport

NAME, CONTACT = "欧阳举报", "13912345678"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TAX_BUREAU_CODE = demo_uscc(901, authority="1", entity="1")
REPORTED = demo_uscc(6)


@pytest.fixture(autouse=True)
def loaded(db):
    with clock.frozen_at(dt.datetime(2025, 6, 3, 10, 0)):
        demo.load()
        yield


def submit(subject_name="九江浔阳建筑工程有限公司", subject_code=REPORTED, files=()):
    return portal.submit_dishonesty_report(
        actor=portal.PUBLIC_PORTAL,
        subject_name=subject_name,
        subject_code=subject_code,
        reporter_name=NAME,
        reporter_contact=CONTACT,
        content="该公司在承接政府项目时长期拖欠农民工工资，经多次催告仍不支付。",
        files=list(files),
    )


def as_user(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


def html(response) -> str:
    return response.content.decode()


def no_identity(response) -> bool:
    return NAME not in html(response) and CONTACT not in html(response)


def track(client, submitted) -> str:
    answer = client.post("/report-dishonesty/track", {"number": submitted.report.number, "code": submitted.query_code})
    return html(answer)


def test_assigned_handled_and_answered_with_the_identity_on_the_handlers_page_only(client):
    submitted = submit(files=[SimpleUploadedFile("欠薪证据.pdf", PDF, content_type="application/pdf")])
    report = submitted.report
    office = as_user(client, "xyb")
    queue = office.get("/desk/reports/")
    assert "九江浔阳建筑工程有限公司" in html(queue) and report.number in html(queue) and no_identity(queue)
    assert '失信举报 <span class="count">1' in html(queue)  # awaiting triage
    page = office.get(f"/desk/reports/{report.pk}/")
    assert "拖欠农民工工资" in html(page) and "1 个（仅承办部门可下载）" in html(page) and no_identity(page)

    assigned = office.post(f"/desk/reports/{report.pk}/assign", {"assign-department": "SCJG"}, follow=True)
    assert "已分办" in html(assigned)
    report.refresh_from_db()
    assert report.handler.code == "SCJG" and report.due_on == dt.date(2025, 7, 15)  # 30 working days

    market = as_user(client, "scjg")
    queue = market.get("/desk/reports/")
    assert report.number in html(queue) and "剩 30 个工作日" in html(queue) and no_identity(queue)
    page = html(market.get(f"/desk/reports/{report.pk}/"))
    assert NAME in page and CONTACT in page and "本次查看已记入审计日志" in page
    assert AuditEvent.objects.filter(action="dishonesty_report.read_reporter", object_id=str(report.pk)).exists()
    [attachment] = report.attachments.all()
    download = market.get(f"/desk/reports/{report.pk}/attachments/{attachment.pk}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    for action, data in [
        ("accept", {"accept-note": "属本部门职责"}),
        ("investigate", {"investigate-note": "现场核查工资发放台账"}),
        ("conclude", {"conclude-substantiated": "1", "conclude-conclusion": "经查属实，已责令整改"}),
        ("reply", {"reply-reply": "经调查，举报情况属实，已依法处理。感谢您的监督。"}),
    ]:
        response = market.post(f"/desk/reports/{report.pk}/{action}", data)
        assert response.status_code == 302, html(response)
    report.refresh_from_db()
    assert report.status == DishonestyReport.Status.REPLIED

    client.logout()
    assert "经调查，举报情况属实，已依法处理" in track(client, submitted)  # the reporter, with the query code

    # Nobody but the handler sees who reported: not the credit office, not the auditors, not in lists.
    for username in ("xyb", "sj"):
        reader = as_user(client, username)
        for url in ("/desk/reports/?state=done", f"/desk/reports/{report.pk}/"):
            response = reader.get(url)
            assert response.status_code == 200 and no_identity(response), (username, url)
        assert reader.get(f"/desk/reports/{report.pk}/attachments/{attachment.pk}").status_code in (403, 404)
    other = as_user(client, "sw")
    assert other.get(f"/desk/reports/{report.pk}/").status_code == 404
    assert other.get(f"/desk/reports/{report.pk}/attachments/{attachment.pk}").status_code == 404
    assert no_identity(as_user(client, "scjg").get("/desk/reports/?state=done"))


def test_the_credit_office_declines_with_a_reason_the_reporter_reads(client):
    submitted = submit()
    office = as_user(client, "xyb")
    missing = office.post(f"/desk/reports/{submitted.report.pk}/reject", {"reject-reason": ""})
    assert missing.status_code == 422 and "请填写理由" in html(missing)
    office.post(
        f"/desk/reports/{submitted.report.pk}/reject", {"reject-reason": "所举报事项属劳动争议，请向劳动监察部门反映"}
    )
    client.logout()
    answer = track(client, submitted)
    assert "不予受理" in answer and "请向劳动监察部门反映" in answer


def test_a_report_about_a_department_is_never_assigned_to_that_department(client):
    Department.objects.filter(code="SW").update(unified_code=TAX_BUREAU_CODE)
    submitted = submit(subject_name="国家税务总局九江市柴桑区税务局", subject_code=TAX_BUREAU_CODE)
    office = as_user(client, "xyb")
    page = html(office.get(f"/desk/reports/{submitted.report.pk}/"))
    assert '<option value="SCJG">' in page and '<option value="SW">' not in page
    refused = office.post(f"/desk/reports/{submitted.report.pk}/assign", {"assign-department": "SW"})
    assert refused.status_code == 422
    assert DishonestyReport.objects.get(pk=submitted.report.pk).handler is None


def test_an_overdue_report_is_on_the_handlers_todo_and_in_the_credit_offices_figures(client):
    report = submit().report
    as_user(client, "xyb").post(f"/desk/reports/{report.pk}/assign", {"assign-department": "SCJG"})
    with clock.frozen_at(dt.datetime(2025, 7, 17, 10, 0)):
        home = html(as_user(client, "scjg").get("/desk/"))
        assert "已逾期" in home and report.number in home and f'href="/desk/reports/{report.pk}/"' in home
        figures = html(as_user(client, "xyb").get("/desk/reports/?state=overdue"))
        assert report.number in figures and "逾期未办结" in figures
