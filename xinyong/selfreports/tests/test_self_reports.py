import pytest

from xinyong.records.models import Record
from xinyong.testing.selfreports import submit


@pytest.fixture
def scjg_token(make_user):
    return make_user("provider", department="SCJG", department_name="柴桑区市场监督管理局")[1]


def test_verified_report_becomes_a_record_and_only_then_counts(api, company_token, scjg_token):
    created = submit(api, company_token)
    assert created.status_code == 201, created.content
    report = created.json()
    assert report["status"] == "pending" and "真实" in report["commitment"]
    assert not Record.objects.exists()

    listing = api.get("/self-reports", token=scjg_token).json()
    assert [r["id"] for r in listing["items"]] == [report["id"]]
    verified = api.post(f"/self-reports/{report['id']}/verify", {"reason": "与公示文件一致"}, token=scjg_token)
    assert verified.status_code == 200 and verified.json()["status"] == "verified"
    record = Record.objects.get()
    assert record.category.code == "self_reported" and record.channel == "self_report"
    assert record.provider.code == "SCJG" and "守合同重信用" in record.fields["content"]
    again = api.post(f"/self-reports/{report['id']}/verify", token=scjg_token)
    assert again.status_code == 422 and again.json()["error"]["code"] == "already_reviewed"


def test_rejection_needs_reason_and_creates_nothing(api, company_token, scjg_token):
    report_id = submit(api, company_token).json()["id"]
    assert api.post(f"/self-reports/{report_id}/reject", {"reason": ""}, token=scjg_token).status_code == 422
    rejected = api.post(f"/self-reports/{report_id}/reject", {"reason": "材料不实"}, token=scjg_token).json()
    assert rejected["status"] == "rejected" and rejected["review_reason"] == "材料不实"
    assert not Record.objects.exists()
    mine = api.get("/self-reports", token=company_token).json()["items"]
    assert mine[0]["status_display"] == "未通过"


def test_commitment_is_required_and_other_departments_cannot_verify(api, company_token, scjg_token, make_user):
    refused = submit(api, company_token, commitment=False)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "commitment_required"
    assert submit(api, company_token, verifier_department="NOPE").status_code == 404
    response = submit(api, company_token)
    assert response.status_code == 201, response.content
    report_id = response.json()["id"]
    _, other = make_user("provider", department="SW")
    assert api.post(f"/self-reports/{report_id}/verify", token=other).status_code == 403
    assert api.get("/self-reports", token=other).json()["count"] == 0


def test_account_without_subject_cannot_submit(api, make_user):
    _, token = make_user("subject", department="QY")
    assert submit(api, token).json()["error"]["code"] == "no_subject"
