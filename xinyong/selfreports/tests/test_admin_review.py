"""The verifying department reviews a self-report in the admin: verified, it becomes a record; rejected, the
reason is kept; another department can neither see nor decide it."""

from django.urls import reverse

from xinyong.audit.models import AuditEvent
from xinyong.records.models import Record
from xinyong.selfreports.models import SelfReport
from xinyong.testing.selfreports import submit


def _clerk(make_user, department: str):
    user, _ = make_user("provider", department=department)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def _review_url(report_id: int) -> str:
    return reverse("admin:selfreport_review", args=[report_id])


def test_the_verifier_verifies_a_self_report_in_the_admin_and_it_becomes_a_record(
    api, client, make_user, company_token
):
    clerk = _clerk(make_user, "SCJG")
    report_id = submit(api, company_token).json()["id"]
    client.force_login(clerk)
    listing = client.get(reverse("admin:selfreports_selfreport_changelist"))
    assert [r.pk for r in listing.context["cl"].result_list] == [report_id]
    detail = client.get(reverse("admin:selfreports_selfreport_change", args=[report_id])).content.decode()
    assert _review_url(report_id) in detail
    assert "2024年度守合同重信用企业" in client.get(_review_url(report_id)).content.decode()

    response = client.post(_review_url(report_id), {"reason": "与公示文件一致", "_verify": "核实通过"})
    assert response.status_code == 302
    report = SelfReport.objects.get()
    assert (report.status, report.reviewed_by, report.review_reason) == ("verified", clerk.username, "与公示文件一致")
    assert report.record == Record.objects.get(category__code="self_reported")
    assert AuditEvent.objects.filter(action="selfreport.verify", actor=clerk.username).exists()
    again = client.post(_review_url(report_id), {"reason": "", "_verify": "核实通过"})
    assert "该填报已处理" in again.content.decode() and Record.objects.count() == 1


def test_a_rejection_needs_its_reason_and_another_department_cannot_decide(api, client, make_user, company_token):
    verifier = _clerk(make_user, "SCJG")
    report_id = submit(api, company_token).json()["id"]
    client.force_login(_clerk(make_user, "FGW"))
    assert client.get(reverse("admin:selfreports_selfreport_changelist")).context["cl"].result_count == 0
    refused = client.post(_review_url(report_id), {"reason": "", "_verify": "核实通过"})
    assert refused.status_code == 302 and SelfReport.objects.get().status == "pending"

    client.force_login(verifier)
    without_reason = client.post(_review_url(report_id), {"reason": " ", "_reject": "不通过"})
    assert without_reason.status_code == 200 and "退回须说明理由" in without_reason.content.decode()
    rejected = client.post(_review_url(report_id), {"reason": "公示文件中无该企业", "_reject": "不通过"})
    assert rejected.status_code == 302
    report = SelfReport.objects.get()
    assert (report.status, report.review_reason) == ("rejected", "公示文件中无该企业")
    assert not Record.objects.exists()
