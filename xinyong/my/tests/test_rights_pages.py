"""The subject's rights in pages (issue 20 §2–§5), through Django's test client: 我的信用记录 with measures and
their legal basis, 提出异议 with an attachment (measures suspended at once: 000 §21, architecture §6), the
department's decision and its reason read back, 申请信用修复 against the deciding department's conditions
(信用修复管理办法; 000 §20), 信用承诺 from a template shown in full (002 §1), 自主填报 with the authenticity
commitment (002 §5), 授权查询 granted and withdrawn (004 六(二)), 查询记录 of checks and authorised reads."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from xinyong.audit.services import Actor
from xinyong.core import clock
from xinyong.lists.models import ListEntry
from xinyong.my.models import Document, Notice
from xinyong.records.models import Record
from xinyong.rights import services as rights
from xinyong.rights.models import Objection, Repair
from xinyong.testing.my import PASSWORD, TODAY, company_account, court_entry, penalty_for, staff

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% evidence\n"


@pytest.fixture
def world(district, client):
    market = staff("scjg", "SCJG", "柴桑区市场监督管理局", "provider", "initiator", "implementer")
    court = staff("fy", "FY", "柴桑区人民法院", "provider", "initiator")
    account = company_account("a")
    client.post("/accounts/login/", {"username": "company-a", "password": PASSWORD})
    return {"market": market, "court": court, "account": account, "client": client}


def test_my_record_shows_records_entries_with_measures_and_legal_basis(world):
    record = penalty_for("a", world["market"])
    entry = court_entry("a", world["court"])
    html = world["client"].get("/my/").content.decode()
    assert record.decision_number in html and entry.document_number in html
    assert "正在实施的措施" in html and "依据：" in html and "发改财金〔2016〕141号" in html
    assert f'href="/my/objections/?target=record:{record.pk}"' in html
    # Notices: both were added about the subject after it had an account.
    assert Notice.objects.filter(subject=record.subject, kind="added").count() == 2
    assert "报送了本主体的行政处罚" in html and "列入失信被执行人" in html


def test_an_objection_with_an_attachment_suspends_the_measures_and_the_reason_of_its_rejection_is_read(world):
    client, entry = world["client"], court_entry("a", world["court"])
    form = client.get(f"/my/objections/?target=entry:{entry.pk}").content.decode()
    assert f'value="entry:{entry.pk}" selected' in form and 'enctype="multipart/form-data"' in form
    evidence = SimpleUploadedFile("履行证明.pdf", PDF, content_type="application/pdf")
    response = client.post(
        "/my/objections/", {"target": f"entry:{entry.pk}", "reason": "已全部履行判决义务", "attachments": [evidence]}
    )
    assert response.status_code == 302, response.content.decode()
    objection = Objection.objects.get(entry=entry)
    [document] = Document.objects.filter(objection=objection)
    assert document.original_name == "履行证明.pdf" and document.size == len(PDF)
    assert ListEntry.objects.get(pk=entry.pk).under_objection
    home = client.get("/my/").content.decode()
    assert "异议处理中，措施暂停" in home and "（暂停）" in home

    rights.decide_objection(
        actor=Actor.of(world["court"]),
        user=world["court"],
        objection_id=objection.pk,
        upheld=False,
        reason="经核实，被执行人尚未履行",
    )
    page = client.get("/my/objections/").content.decode()
    assert "异议不成立" in page and "经核实，被执行人尚未履行" in page
    assert Notice.objects.filter(key=f"objection-{objection.pk}", kind="decision").exists()


def test_an_attachment_of_the_wrong_type_is_refused_beside_its_field_and_nothing_is_filed(world):
    client, entry = world["client"], court_entry("a", world["court"])
    fake = SimpleUploadedFile("证明.pdf", b"not a pdf", content_type="application/pdf")
    response = client.post("/my/objections/", {"target": f"entry:{entry.pk}", "reason": "有误", "attachments": [fake]})
    assert response.status_code == 422 and "内容与扩展名不符" in response.content.decode()
    assert 'id="id_attachments_error"' in response.content.decode()
    assert not Objection.objects.exists() and not ListEntry.objects.get(pk=entry.pk).under_objection


def test_a_repair_lists_the_conditions_takes_documents_and_once_approved_the_note_is_public(world):
    client, record = world["client"], penalty_for("a", world["market"])
    form = client.get(f"/my/repairs/?target=record:{record.pk}").content.decode()
    assert "已履行法定义务" in form and "信用承诺" in form
    incomplete = client.post("/my/repairs/", {"target": f"record:{record.pk}", "commitment": "本公司承诺依法经营"})
    assert incomplete.status_code == 422 and "修复条件尚未满足：已履行法定义务" in incomplete.content.decode()
    receipt = SimpleUploadedFile("缴款凭证.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png")
    response = client.post(
        "/my/repairs/",
        {
            "target": f"record:{record.pk}",
            "commitment": "本公司承诺依法经营，如有违反愿受惩戒。",
            "met_obligations_performed": "on",
            "files_obligations_performed": [receipt],
        },
    )
    assert response.status_code == 302, response.content.decode()
    repair = Repair.objects.get(record=record)
    assert Document.objects.get(repair=repair).condition == "obligations_performed"
    rights.decide_repair(
        actor=Actor.of(world["market"]), user=world["market"], repair_id=repair.pk, approve=True, reason="已缴清罚款"
    )
    assert Record.objects.get(pk=record.pk).status == "repaired"
    assert "修复成功" in client.get("/my/repairs/").content.decode()
    assert "已完成信用修复" in client.get(f"/subjects/{record.subject.uscc}").content.decode()


def test_a_commitment_from_a_template_is_shown_in_full_and_made(world):
    client = world["client"]
    page = client.get("/my/commitments/").content.decode()
    from xinyong.supervision.models import CommitmentTemplate

    template = CommitmentTemplate.objects.filter(is_active=True, kind="notify").first()
    assert template.text.splitlines()[0] in page
    response = client.post("/my/commitments/", {"template": template.code, "agree": "on"})
    assert response.status_code == 302, response.content.decode()
    assert template.name.split("告知")[0] in client.get("/my/commitments/").content.decode()


def test_a_self_report_needs_the_authenticity_commitment(world):
    client = world["client"]
    body = {"kind": "honour", "title": "守合同重信用企业", "content": "2024年度", "verifier": "SCJG"}
    refused = client.post("/my/self-reports/", body)
    assert refused.status_code == 422 and 'id="id_commitment_error"' in refused.content.decode()
    assert client.post("/my/self-reports/", {**body, "commitment": "on"}).status_code == 302
    assert "守合同重信用企业" in client.get("/my/self-reports/").content.decode()


def test_an_authorisation_is_granted_the_bank_reads_and_the_read_and_a_check_appear_in_the_query_record(world, api):
    client = world["client"]
    bank = staff("bank", "JJBANK", "九江银行柴桑支行", "financial_institution")
    body = {
        "grantee": "JJBANK",
        "purpose": "贷前调查",
        "valid_from": TODAY.isoformat(),
        "valid_to": (TODAY + dt.timedelta(days=90)).isoformat(),
        "scope": "all",
    }
    assert client.post("/my/authorisations/", body).status_code == 302
    from xinyong.accounts.services import create_token

    _, token = create_token(actor=Actor.of(bank), user=bank)
    code = world["account"].subject.uscc
    assert api.get(f"/authorised/subjects/{code}", token=token).status_code == 200
    _, market_token = create_token(actor=Actor.of(world["market"]), user=world["market"])
    assert api.post("/checks", {"subject": code, "matter": "market_access"}, token=market_token).status_code == 200
    page = client.get("/my/queries/").content.decode()
    assert "九江银行柴桑支行" in page and '方式">授权查询<' in page
    assert "柴桑区市场监督管理局" in page and '方式">信用核查<' in page
    only_bank = client.get("/my/queries/", {"department": "JJBANK"}).content.decode()
    assert '方式">授权查询<' in only_bank and '方式">信用核查<' not in only_bank
    authorisation = world["account"].subject.authorisations.get()
    assert client.post(f"/my/authorisations/{authorisation.pk}/withdraw").status_code == 302
    assert api.get(f"/authorised/subjects/{code}", token=token).status_code == 403


def test_a_listing_about_to_end_is_told_once_and_by_e_mail_when_a_server_is_named(
    world, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = "mail.example.gov.cn"
    world["account"].user.email = "rep@example.com"
    world["account"].user.save(update_fields=["email"])
    entry = court_entry("a", world["court"])
    from xinyong.my.services.notices import daily_notices

    with clock.frozen_at(entry.ends_on - dt.timedelta(days=10)), django_capture_on_commit_callbacks(execute=True):
        assert daily_notices(today=clock.today())["ending"] == 1
        assert daily_notices(today=clock.today())["ending"] == 0
    assert Notice.objects.filter(kind="ending").count() == 1
    assert any("届满" in m.body and m.to == ["rep@example.com"] for m in mail.outbox)


def test_the_credit_report_downloads_as_the_verifiable_pdf_and_its_qr_opens_the_human_page(world):
    response = world["client"].get("/my/report.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    from xinyong.portal.models import IssuedReport

    number = IssuedReport.objects.get().number
    verify = world["client"].get(f"/reports/verify?number={number}")
    assert verify.status_code == 200 and "信用报告核验" in verify.content.decode()
