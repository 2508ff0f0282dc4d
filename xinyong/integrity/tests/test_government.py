"""R31: a government body under the same discipline — its commitments, its dishonesty, its superior."""

import datetime as dt
import io
import json

from django.core.management import call_command

from xinyong.accounts.models import Department
from xinyong.checks.models import Task
from xinyong.core import clock
from xinyong.records.models import Record
from xinyong.testing.factories import agency_code

BODY = agency_code(77)  # a government body: registration authority 1 (机构编制), type 1 (机关)


def test_missed_payment_commitment_becomes_a_record_and_notifies_the_superior(api, make_user):
    with clock.frozen_at(dt.date(2025, 6, 2)):
        superior = Department.objects.create(code="QZF", name="柴桑区人民政府")
        Department.objects.create(code="JTJ", name="柴桑区交通运输局", unified_code=BODY, parent=superior)
        Department.objects.create(code="SJ", name="柴桑区审计局")
        _, office = make_user("credit_office", "provider", department="XYB")
        assert (
            api.post(
                "/subjects", {"code": BODY, "name": "柴桑区交通运输局", "kind": "legal_person"}, token=office
            ).status_code
            == 201
        )
        promise = {
            "kind": "gov_payment",
            "subject": BODY,
            "item_name": "道路养护工程款",
            "text": "于2025年6月30日前向九江某建设有限公司支付拖欠工程款120万元",
            "due_on": "2025-06-30",
        }
        made = api.post("/commitments", promise, token=office)
        assert made.status_code == 201, made.content
        assert made.json()["kind"] == "gov_payment"

    out = io.StringIO()
    call_command("daily", "--date", "2025-07-01", stdout=out)
    assert json.loads(out.getvalue())["jobs"]["commitments_due"]["broken"] == 1

    breach = Record.objects.get(subject__uscc=BODY, category__code="commitment_breach")
    assert breach.category.counts_as_dishonesty and "逾期未履行" in breach.fields["content"]
    notice = Task.objects.get(department=superior, action="superior_notice")
    assert "违背承诺" in notice.reason and notice.reason.endswith("请督促整改")
    audit_office = Task.objects.get(department__code="SJ", action="department_notice")  # R16: and the audit office
    assert audit_office.reason.startswith("机关事业单位柴桑区交通运输局") and "违背承诺" in audit_office.reason

    with clock.frozen_at(dt.date(2025, 7, 1)):
        stats = api.get("/government-integrity", token=office).json()["bodies"]
    [body] = stats
    assert body["code"] == BODY and body["superior"] == "QZF"
    assert body["commitments"] == {"total": 1, "kept": 0, "broken": 1, "pending": 0, "overdue": 0}
    assert body["dishonesty_records"] == 1


def test_government_integrity_page_for_the_credit_office(client, make_user):
    user, _ = make_user("credit_office", department="XYB")
    user.is_staff = True
    user.save()
    client.force_login(user)
    page = client.get("/admin/government-integrity/")
    assert page.status_code == 200 and "政务诚信" in page.content.decode()
    other, _ = make_user("provider", department="SW")
    other.is_staff = True
    other.save()
    client.force_login(other)
    assert client.get("/admin/government-integrity/").status_code == 403
