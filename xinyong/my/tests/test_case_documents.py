"""The documents a company files from 我的信用 reach the department that handles the case (issue 19 §1: the
subject's reasons and attachments side by side; §2: what it supplied against each condition), and only it:
another department gets 404 for the file, and every download is audited (000 §20 §21, 002 §15)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from xinyong.audit.models import AuditEvent
from xinyong.my.models import Document
from xinyong.rights.models import Objection, Repair
from xinyong.testing.my import PASSWORD, company_account, court_entry, penalty_for, staff

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% evidence\n"
PNG = b"\x89PNG\r\n\x1a\n...."


def _signed_in(username: str) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    return client


@pytest.fixture
def world(district):
    market = staff("scjg", "SCJG", "柴桑区市场监督管理局", "provider", "initiator", "implementer")
    court = staff("fy", "FY", "柴桑区人民法院", "provider", "initiator")
    company_account("a")
    return {"market": market, "court": court, "company": _signed_in("company-a")}


def test_the_court_reads_and_downloads_the_objections_attachment_and_the_market_bureau_cannot(world):
    entry = court_entry("a", world["court"])
    evidence = SimpleUploadedFile("履行证明.pdf", PDF, content_type="application/pdf")
    world["company"].post(
        "/my/objections/", {"target": f"entry:{entry.pk}", "reason": "已全部履行", "attachments": [evidence]}
    )
    objection = Objection.objects.get(entry=entry)
    [document] = Document.objects.filter(objection=objection)
    court = _signed_in("fy")
    page = court.get(f"/desk/objections/{objection.pk}/").content.decode()
    assert f'href="/desk/documents/{document.pk}"' in page and "履行证明.pdf" in page
    download = court.get(f"/desk/documents/{document.pk}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert AuditEvent.objects.filter(action="objection.read_document", object_id=str(objection.pk)).count() == 1

    market = _signed_in("scjg")
    refused = market.get(f"/desk/documents/{document.pk}")
    assert refused.status_code == 404 and "页面不存在" in refused.content.decode()
    assert AuditEvent.objects.filter(action="objection.read_document").count() == 1


def test_a_repairs_documents_sit_beside_the_condition_they_were_filed_for(world):
    record = penalty_for("a", world["market"])
    receipt = SimpleUploadedFile("缴款凭证.png", PNG, content_type="image/png")
    world["company"].post(
        "/my/repairs/",
        {
            "target": f"record:{record.pk}",
            "commitment": "本公司承诺依法经营，如有违反愿受惩戒。",
            "met_obligations_performed": "on",
            "files_obligations_performed": [receipt],
        },
    )
    repair = Repair.objects.get(record=record)
    document = Document.objects.get(repair=repair)
    page = _signed_in("scjg").get(f"/desk/repairs/{repair.pk}/").content.decode()
    item = next(line for line in page.splitlines() if "已履行法定义务" in line and "<li>" in line)
    assert f'href="/desk/documents/{document.pk}"' in item and "缴款凭证.png" in item
    assert _signed_in("fy").get(f"/desk/documents/{document.pk}").status_code == 404
