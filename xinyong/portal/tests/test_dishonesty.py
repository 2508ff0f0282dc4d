"""Reports of dishonesty (举报, R25): public submission with attachments, tracking by number and secret
code, the handling workflow, and the reporter's identity kept from everyone but the handler."""

import json
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from xinyong.accounts.models import User
from xinyong.audit.models import AuditEvent
from xinyong.demo.data import demo_uscc
from xinyong.portal.models import DishonestyReport

REPORTER_NAME = "欧阳举报"
REPORTER_CONTACT = "13912345678"
REPORTED = demo_uscc(6)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def submit(api, **overrides):
    data = {
        "subject_name": "九江浔阳建筑工程有限公司",
        "subject_code": REPORTED,
        "reporter_name": REPORTER_NAME,
        "reporter_contact": REPORTER_CONTACT,
        "content": "该公司在承接政府项目时长期拖欠农民工工资，经多次催告仍不支付。",
    }
    data.update(overrides)
    return api.client.post("/api/v1/dishonesty-reports", data)


def identity_leaks(response) -> bool:
    text = response.content.decode()
    return REPORTER_NAME in text or REPORTER_CONTACT in text


@pytest.fixture
def people(loaded):
    """The demo's credit office, market regulator (handler), tax bureau (another department), auditor,
    and the reported company's own account, each with a fresh token."""
    from xinyong.accounts import services as accounts
    from xinyong.audit.services import SYSTEM

    tokens = {}
    for username in ("xyb", "scjg", "sw", "sj", "qiye"):
        _, tokens[username] = accounts.create_token(actor=SYSTEM, user=User.objects.get(username=username))
    assert User.objects.get(username="qiye").subject.uscc == REPORTED
    return tokens


def test_submit_with_attachments_stores_them_and_encrypts_the_reporter(api, loaded):
    response = submit(
        api,
        attachments=[
            SimpleUploadedFile("欠薪证据.pdf", PDF, content_type="application/pdf"),
            SimpleUploadedFile("photo.PNG", PNG, content_type="image/png"),
        ],
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert re.fullmatch(r"JB\d{8}[2-9A-Z]{6}", body["number"]) and len(body["query_code"]) == 12
    report = DishonestyReport.objects.get(number=body["number"])
    assert report.subject.uscc == REPORTED and report.status == "submitted"
    row = json.dumps(
        [report.reporter_name_encrypted, report.reporter_contact_encrypted, report.query_code_hash], ensure_ascii=False
    )
    assert REPORTER_NAME not in row and REPORTER_CONTACT not in row and body["query_code"] not in row
    stored = list(report.attachments.all())
    assert [a.original_name for a in stored] == ["欠薪证据.pdf", "photo.PNG"]
    for attachment, content in zip(stored, (PDF, PNG), strict=True):
        path = settings.DATA_DIR / attachment.stored_path
        assert attachment.stored_path.startswith("attachments/")
        assert path.read_bytes() == content and attachment.size == len(content)
    # Nothing about the reporter goes into the audit log (auditors read it).
    assert AuditEvent.objects.filter(action="dishonesty_report.submit").exists()
    assert not AuditEvent.objects.filter(after__icontains=REPORTER_CONTACT).exists()

    tracked = api.get(f"/dishonesty-reports/track/{body['number']}", code=body["query_code"].lower())
    assert tracked.status_code == 200 and tracked.json()["status"] == "submitted"
    assert not identity_leaks(tracked)
    wrong = api.get(f"/dishonesty-reports/track/{body['number']}", code="WRONGCODE234")
    assert wrong.status_code == 404
    assert api.get("/dishonesty-reports/track/JB0000", code=body["query_code"]).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("evil.exe", b"MZ\x90\x00", "attachment_type"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "attachment_type"),
        ("empty.png", b"", "attachment_empty"),
        ("big.pdf", PDF + b"x" * 2048, "attachment_too_large"),
    ],
)
def test_attachments_are_checked(api, loaded, name, content, code, settings):
    settings.XINYONG_ATTACHMENT_MAX_BYTES = 1024
    response = submit(api, attachments=[SimpleUploadedFile(name, content)])
    assert response.status_code == 422 and response.json()["error"]["code"] == code
    assert not DishonestyReport.objects.exists()


def test_attachment_count_and_fields_are_checked(api, loaded, settings):
    settings.XINYONG_ATTACHMENT_MAX_FILES = 1
    files = [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(2)]
    assert submit(api, attachments=files).json()["error"]["code"] == "too_many_attachments"
    response = submit(api, content="太短", subject_code="ABC")
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert fields == {"content", "subject_code"}


def test_submission_is_rate_limited(api, loaded, settings):
    settings.XINYONG_RATE_SUBMIT = "1/hour"
    assert submit(api).status_code == 201
    assert submit(api).status_code == 429


def test_workflow_and_confidentiality(api, people):
    submitted = submit(api, attachments=[SimpleUploadedFile("证据.pdf", PDF)]).json()
    report_id = DishonestyReport.objects.get(number=submitted["number"]).pk
    office, handler, other, auditor, company = (people[u] for u in ("xyb", "scjg", "sw", "sj", "qiye"))

    # Before assignment nobody may act on it but the credit office.
    assert api.post(f"/dishonesty-reports/{report_id}/accept", {}, token=handler).status_code == 403
    assert api.post(f"/dishonesty-reports/{report_id}/assign", {"department": "SCJG"}, token=handler).status_code == 403
    response = api.post(f"/dishonesty-reports/{report_id}/assign", {"department": "NOPE"}, token=office)
    assert response.status_code == 422

    # The credit office assigns and sees the content, never the reporter.
    response = api.post(
        f"/dishonesty-reports/{report_id}/assign", {"department": "SCJG", "note": "请核查"}, token=office
    )
    assert response.status_code == 200 and response.json()["status"] == "assigned"
    detail = api.get(f"/dishonesty-reports/{report_id}", token=office)
    assert detail.status_code == 200 and "拖欠农民工工资" in detail.json()["content"]
    assert "reporter" not in detail.json() and "attachments" not in detail.json()
    assert not identity_leaks(detail)
    assert api.get(f"/dishonesty-reports/{report_id}/attachments/1", token=office).status_code == 404

    # Another department neither sees nor handles it.
    listing = api.get("/dishonesty-reports", token=other)
    assert listing.status_code == 200 and listing.json()["count"] == 0 and not identity_leaks(listing)
    response = api.get(f"/dishonesty-reports/{report_id}", token=other)
    assert response.status_code == 404 and not identity_leaks(response)
    response = api.post(f"/dishonesty-reports/{report_id}/accept", {}, token=other)
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_handler"
    assert not identity_leaks(response)

    # The handler sees who reported, and the evidence (both reads audited).
    detail = api.get(f"/dishonesty-reports/{report_id}", token=handler).json()
    assert detail["reporter"] == {"name": REPORTER_NAME, "contact": REPORTER_CONTACT}
    [attachment] = detail["attachments"]
    download = api.get(f"/dishonesty-reports/{report_id}/attachments/{attachment['id']}", token=handler)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert AuditEvent.objects.filter(action="dishonesty_report.read_reporter", department="SCJG").exists()
    assert AuditEvent.objects.filter(action="dishonesty_report.read_attachment").exists()

    # Accept → investigate → conclude → reply, in order only.
    path = f"/dishonesty-reports/{report_id}"
    assert api.post(f"{path}/conclude", {"substantiated": True, "conclusion": "x"}, token=handler).status_code == 409
    assert api.post(f"{path}/accept", {"note": "受理"}, token=handler).json()["status"] == "accepted"
    assert api.post(f"{path}/investigate", {"note": "现场核查，工资表显示欠薪三个月"}, token=handler).status_code == 200
    assert api.post(f"{path}/investigate", {"note": "约谈企业负责人"}, token=handler).status_code == 200
    response = api.post(
        f"{path}/conclude", {"substantiated": True, "conclusion": "举报属实，已责令限期支付。"}, token=handler
    )
    assert response.json()["status"] == "concluded"
    response = api.post(f"{path}/reply", {"reply": "经核查举报属实，已依法处理，感谢您的监督。"}, token=handler)
    assert response.json()["status"] == "replied"
    steps = [s["action"] for s in api.get(path, token=office).json()["steps"]]
    assert steps == ["submit", "assign", "accept", "investigate", "investigate", "conclude", "reply"]
    audited = set(AuditEvent.objects.filter(object_type="dishonesty_report").values_list("action", flat=True))
    assert {
        f"dishonesty_report.{a}" for a in ("submit", "assign", "accept", "investigate", "conclude", "reply")
    } <= audited

    # The reporter reads the reply with the secret code.
    tracked = api.get(f"/dishonesty-reports/track/{submitted['number']}", code=submitted["query_code"]).json()
    assert tracked["status"] == "replied" and "感谢您的监督" in tracked["reply"]
    assert tracked["handler"] == "柴桑区市场监督管理局"

    # The reported subject sees the outcome about itself, nothing that identifies the reporter.
    listing = api.get("/dishonesty-reports", token=company)
    assert listing.status_code == 200 and listing.json()["count"] == 1
    detail = api.get(path, token=company)
    assert detail.status_code == 200 and detail.json()["conclusion"] == "举报属实，已责令限期支付。"
    assert "content" not in detail.json() and "steps" not in detail.json()
    for response in (listing, detail):
        assert not identity_leaks(response)
    assert api.get(f"{path}/attachments/{attachment['id']}", token=company).status_code == 403

    # The auditor reads everything but the identity; so does the audit log itself.
    for response in (api.get("/dishonesty-reports", token=auditor), api.get(path, token=auditor)):
        assert response.status_code == 200 and not identity_leaks(response)
    for event in AuditEvent.objects.all():
        text = json.dumps([event.before, event.after], ensure_ascii=False)
        assert REPORTER_NAME not in text and REPORTER_CONTACT not in text


def test_subject_does_not_see_open_reports_about_itself(api, people):
    submit(api)
    listing = api.get("/dishonesty-reports", token=people["qiye"])
    assert listing.json()["count"] == 0


def test_portal_form_needs_csrf_and_returns_number_and_code(loaded, tmp_path):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/report-dishonesty")
    html = page.content.decode()
    assert page.status_code == 200 and 'name="csrfmiddlewaretoken"' in html
    assert 'enctype="multipart/form-data"' in html and "举报人信息严格保密" in html
    data = {
        "subject_name": "九江浔阳建筑工程有限公司",
        "subject_code": REPORTED,
        "content": "该公司长期拖欠农民工工资，多次催告仍不支付。",
        "reporter_name": REPORTER_NAME,
        "reporter_contact": REPORTER_CONTACT,
    }
    assert browser.post("/report-dishonesty", data).status_code == 403  # no CSRF token
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    upload = SimpleUploadedFile("证据.png", PNG, content_type="image/png")
    done = browser.post("/report-dishonesty", {**data, "csrfmiddlewaretoken": token, "attachments": upload})
    assert done.status_code == 201
    text = done.content.decode()
    number = re.search(r'id="report-number">([^<]+)<', text).group(1)
    code = re.search(r'id="query-code">([^<]+)<', text).group(1)
    report = DishonestyReport.objects.get(number=number)
    assert report.channel == "portal" and report.attachments.count() == 1
    assert "no-store" in done["Cache-Control"]

    # Tracking by POST keeps the code out of URLs.
    tracked = browser.post("/report-dishonesty/track", {"number": number, "code": code, "csrfmiddlewaretoken": token})
    assert "待分办" in tracked.content.decode()
    wrong = browser.post("/report-dishonesty/track", {"number": number, "code": "x", "csrfmiddlewaretoken": token})
    assert "举报编号或查询码不正确" in wrong.content.decode()


def test_portal_form_shows_errors_in_chinese(client, loaded):
    response = client.post("/report-dishonesty", {"subject_name": "九", "content": "短"})
    html = response.content.decode()
    assert response.status_code == 422 and "必填" in html and 'aria-invalid="true"' in html
    assert not DishonestyReport.objects.exists()


def test_oversized_upload_is_refused_before_parsing(api, loaded, settings):
    settings.XINYONG_ATTACHMENT_MAX_BYTES = 1024
    settings.XINYONG_ATTACHMENT_MAX_FILES = 1

    def big():
        return SimpleUploadedFile("big.pdf", PDF + b"x" * 400_000)

    response = submit(api, attachments=[big()])
    assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"
    assert Client().post("/report-dishonesty", {"attachments": big()}).status_code == 413
    assert not DishonestyReport.objects.exists()
