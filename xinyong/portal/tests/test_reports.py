"""Credit reports (R24): a Chinese PDF with the font embedded, a unique number, validity, a QR code
and URL to the verification endpoint, the same data as JSON, and a record of every issued report."""

import datetime as dt
import hashlib
import json
import shutil
import subprocess

import pytest

from xinyong.audit.models import AuditEvent
from xinyong.core import clock
from xinyong.core.models import Parameter
from xinyong.demo.data import demo_uscc
from xinyong.portal import reports
from xinyong.portal.models import IssuedReport

NEEDS_POPPLER = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
COURT_DEFAULTER = demo_uscc(6)  # on the black list (demo)
WITH_RECORDS = demo_uscc(1)  # a licence and a penalty (demo)


def pdf_text(payload: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(payload)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@NEEDS_POPPLER
def test_pdf_report_is_chinese_embedded_numbered_and_verifiable(api, loaded, tmp_path):
    response = api.get(f"/reports/{WITH_RECORDS.lower()}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    payload = response.content
    number = response["X-Report-Number"]
    digest = hashlib.sha256(payload).hexdigest()
    assert response["X-Content-SHA256"] == digest

    text = pdf_text(payload, tmp_path)
    for expected in (
        "公共信用信息报告",
        number,
        "九江柴桑示范建材有限公司",
        WITH_RECORDS,
        "行政许可信息",
        "行政处罚信息",
        "柴市监罚〔2025〕1号",
        "未按规定公示年度报告",
        "张**",
        "2025-06-30 10:00:00",  # issue time (local)
        "2025-07-30 10:00:00",  # + 30 days (the seeded parameter)
        f"/reports/verify?number={number}",  # the QR and the address open the human page (issue 20)
    ):
        assert expected in text, expected
    assert "张建国" not in text  # the legal representative stays masked

    fonts = subprocess.run(["pdffonts", str(tmp_path / "report.pdf")], capture_output=True, text=True).stdout
    chinese = [line for line in fonts.splitlines() if "WenQuanYi" in line]
    assert chinese and all(" yes " in line for line in chinese)  # embedded
    assert "STSong" not in fonts

    issued = IssuedReport.objects.get(number=number)
    assert issued.content_hash == digest and issued.format == "pdf"
    assert issued.subject.uscc == WITH_RECORDS
    assert issued.valid_until - issued.issued_at == dt.timedelta(days=30)
    assert issued.requester_ip_hash and "127.0.0.1" not in issued.requester_ip_hash
    assert AuditEvent.objects.filter(action="report.issue", object_id=number).exists()

    verified = api.get(f"/reports/verify/{number.lower()}").json()
    assert verified["genuine"] is True and verified["valid"] is True and verified["status"] == "valid"
    assert verified["subject"] == {"code": WITH_RECORDS, "name": "九江柴桑示范建材有限公司"}
    assert verified["content_hash"] == digest
    assert verified["issued_at"].startswith("2025-06-30T10:00:00")
    assert verified["valid_until"].startswith("2025-07-30T10:00:00")


def test_report_numbers_are_unique_and_every_issue_is_recorded(api, loaded):
    numbers = {api.get(f"/reports/{WITH_RECORDS}", format="json").json()["number"] for _ in range(3)}
    assert len(numbers) == 3
    assert IssuedReport.objects.filter(number__in=numbers, format="json").count() == 3


def test_json_report_has_the_same_data_and_a_checkable_hash(api, loaded):
    body = api.get(f"/reports/{COURT_DEFAULTER}", format="json").json()
    digest = body.pop("content_hash")
    body.pop("content_hash_method")
    assert hashlib.sha256(reports.canonical_json(body)).hexdigest() == digest
    assert body["subject"]["name"] == "九江浔阳建筑工程有限公司"
    [entry] = body["list_entries"]
    assert entry["list_type_name"] == "失信被执行人" and entry["kind"] == "black"
    assert entry["basis"] and entry["starts_on"] and entry["measures"]
    assert all({"name", "force"} <= set(m) for m in entry["measures"])
    assert body["verify_url"].endswith(f"/reports/verify?number={body['number']}")  # the human page (issue 20)
    assert "fields" not in json.dumps(body)  # raw record fields never go out
    verified = api.get(f"/reports/verify/{body['number']}").json()
    assert verified["format"] == "json" and verified["content_hash"] == digest


@NEEDS_POPPLER
def test_pdf_lists_black_list_entry_with_basis_period_and_measures(api, loaded, tmp_path):
    text = pdf_text(api.get(f"/reports/{COURT_DEFAULTER}").content, tmp_path)
    assert "失信被执行人（黑名单）" in text
    assert "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条" in text
    assert "2025-05-31 至 2027-05-30" in text  # the court defaulter period (2 years)
    assert "限制失信被执行人参与招标投标" in text.replace("\n", "").replace(" ", "")


def test_validity_is_a_parameter_and_verification_tells_expired(api, loaded):
    Parameter.objects.filter(code="report_validity_days").update(value=7)
    number = api.get(f"/reports/{WITH_RECORDS}", format="json").json()["number"]
    issued = IssuedReport.objects.get(number=number)
    assert issued.valid_until - issued.issued_at == dt.timedelta(days=7)
    with clock.frozen_at(dt.datetime(2025, 7, 8, 9, 0)):
        verified = api.get(f"/reports/verify/{number}").json()
    assert verified["genuine"] is True and verified["valid"] is False and verified["status"] == "expired"


def test_unknown_report_number_and_unknown_subject(api, loaded):
    response = api.get("/reports/verify/XY-20250630-FAKE1234")
    assert response.status_code == 404 and response.json()["error"]["code"] == "report_not_found"
    assert api.get(f"/reports/{demo_uscc(77)}").status_code == 404
    assert api.get("/reports/123").status_code == 422
    assert api.get(f"/reports/{WITH_RECORDS}", format="xml").status_code == 422
    assert not IssuedReport.objects.exists()


def test_report_endpoints_are_rate_limited(api, loaded, settings):
    settings.XINYONG_RATE_REPORTS = "2/min"
    assert api.get(f"/reports/{WITH_RECORDS}", format="json").status_code == 200
    assert api.get(f"/reports/{WITH_RECORDS}", format="json").status_code == 200
    response = api.get(f"/reports/{WITH_RECORDS}", format="json")
    assert response.status_code == 429 and response.json()["error"]["code"] == "http_429"
    # Verification has its own budget.
    settings.XINYONG_RATE_VERIFY = "1/min"
    assert api.get("/reports/verify/XY-1").status_code == 404
    assert api.get("/reports/verify/XY-1").status_code == 429


def test_subject_page_has_report_download_buttons(client, loaded):
    html = client.get(f"/subjects/{WITH_RECORDS}").content.decode()
    assert f'href="/api/v1/reports/{WITH_RECORDS}"' in html and "下载信用报告" in html
    assert f'href="/api/v1/reports/{WITH_RECORDS}?format=json"' in html


def test_portal_verify_page(client, api, loaded):
    number = api.get(f"/reports/{WITH_RECORDS}", format="json").json()["number"]
    html = client.get("/reports/verify", {"number": number}).content.decode()
    assert "真实有效" in html and "九江柴桑示范建材有限公司" in html
    html = client.get("/reports/verify", {"number": "XY-0-NOPE"}).content.decode()
    assert "可能是伪造的" in html


@NEEDS_POPPLER
def test_pdf_renders_every_section(tmp_path, db):
    """Objections, repair notes, commitments, grade and industry measures, with long tables that
    break across pages: the layout holds and the Chinese text comes out."""
    doc = {
        "title": reports.TITLE,
        "number": "XY-20250630-TEST2345",
        "issuer": "测试平台",
        "issued_at": "2025-06-30T10:00:00+08:00",
        "valid_until": "2025-07-30T10:00:00+08:00",
        "verify_url": "http://testserver/api/v1/reports/verify/XY-20250630-TEST2345",
        "subject": {
            "name": "测试<有限>公司 & 合伙",
            "code": "91360404360400016B",
            "code_verified": False,
            "kind_display": "法人",
            "status_display": "存续",
            "former_names": [{"name": "旧名称有限公司", "valid_from": "2020-01-01", "valid_to": "2021-01-01"}],
            "relations": [{"role": "法定代表人", "name": "张**", "code": "3604**********0014"}],
        },
        "records": [
            {
                "category": "admin_penalty",
                "category_name": "行政处罚信息",
                "count": 45,
                "items": [
                    {
                        "decision_number": f"柴市监罚〔2025〕{i}号",
                        "decision_date": "2025-06-01",
                        "type": "罚款",
                        "content": "销售不合格产品；" * 6,
                        "authority": "柴桑区市场监督管理局",
                        "status_display": "有效",
                    }
                    for i in range(20)
                ],
            }
        ],
        "list_entries": [],
        "objections_pending": [{"about": "信用信息", "filed_at": "2025-06-20T09:00:00+08:00", "due_on": "2025-07-10"}],
        "repair_notes": [
            {"text": "已履行处罚决定并作出信用承诺，准予修复。", "published_at": "2025-06-25T09:00:00+08:00"}
        ],
        "commitments": [{"text": "2025-06-01 向柴桑区市场监督管理局作出告知承诺：按期补齐材料；履约中"}],
        "credit_grade": {"grade": "A", "grade_name": "诚信", "score": "92.5", "explanation": "无不良记录"},
        "industry_measures": [
            {
                "association": "柴桑区建筑业协会",
                "kind": "通报批评",
                "document_number": "柴建协〔2025〕1号",
                "reason": "违反行业自律公约",
                "starts_on": "2025-05-01",
                "ends_on": "2026-04-30",
            }
        ],
        "statements": reports.STATEMENTS,
    }
    payload = reports.render_pdf(doc)
    text = pdf_text(payload, tmp_path)
    flat = text.replace(" ", "").replace("\n", "")
    for expected in (
        "测试<有限>公司&合伙",
        "（存量代码，待核实）",
        "旧名称有限公司",
        "共45条，列出最近20条",
        "柴市监罚〔2025〕19号",
        "四、异议处理中的信息",
        "已履行处罚决定并作出信用承诺",
        "六、信用承诺",
        "按期补齐材料",
        "七、信用评价与行业惩戒",
        "诚信（92.5分）",
        "柴建协〔2025〕1号",
        "第2页",
    ):
        assert expected in flat, expected
