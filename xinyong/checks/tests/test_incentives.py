"""Incentives and the wider consequences of dishonesty (R6, R14, R15, R16)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from xinyong.accounts.models import Department
from xinyong.checks.models import Task
from xinyong.core import clock
from xinyong.testing.factories import agency_code, penalty, uscc

TODAY = dt.date(2025, 6, 2)
CLEAN, PENALISED = uscc(701), uscc(702)


@pytest.fixture
def world(api, make_user):
    with clock.frozen_at(TODAY):
        tokens = {
            "market": make_user("provider", "initiator", department="SCJG")[1],
            "court": make_user("initiator", department="FY")[1],
            "development": make_user("implementer", department="FGW")[1],
            "office": make_user("credit_office", department="XYB")[1],
        }
        for code, name in ((CLEAN, "九江守信农业有限公司"), (PENALISED, "九江受罚商贸有限公司")):
            api.post("/subjects", {"code": code, "name": name, "kind": "legal_person"}, token=tokens["market"])
        fields = penalty(702, CF_XDR_SHXYM=PENALISED, CF_XDR_MC="九江受罚商贸有限公司", CF_JDRQ="2024-03-01")
        assert (
            api.post("/records", {"category": "admin_penalty", "fields": fields}, token=tokens["market"]).status_code
            == 201
        )
    return tokens


def check(api, token, code, matter):
    with clock.frozen_at(TODAY):
        return api.post("/checks", {"subject": code, "matter": matter}, token=token).json()


def test_no_bad_record_for_three_years_gets_green_channel_and_tolerance(api, world):
    answer = check(api, world["development"], CLEAN, "project_approval")
    assert answer["result"] == "incentive"
    kinds = {m["incentive_kind"] for m in answer["measures"]}
    assert {"green_channel", "tolerance_acceptance"} <= kinds
    assert all(m["source"] == {"list_type": "no_dishonesty", "entry_id": None, "via": None} for m in answer["measures"])
    assert check(api, world["development"], PENALISED, "project_approval")["result"] == "clear"


def test_serious_dishonesty_blocks_honours(api, world):
    with clock.frozen_at(TODAY):
        body = {
            "list_type": "black_court_defaulter",
            "subject": CLEAN,
            "basis": "失信被执行人名单规定",
            "document_number": "（2025）赣0404执7号",
            "decided_on": "2025-05-30",
        }
        assert api.post("/list-entries", body, token=world["court"]).status_code == 201
    answer = check(api, world["development"], CLEAN, "honours")
    assert answer["result"] == "restricted"
    honours = [m for m in answer["measures"] if m["code"] == "serious_revoke_honours"]
    assert honours and honours[0]["force"] == "mandatory"
    assert not any(m["kind"] == "reward" for m in answer["measures"])


def test_public_body_on_black_list_notifies_its_superior(api, world, make_user):
    body_code = agency_code(42)
    with clock.frozen_at(TODAY):
        superior = Department.objects.create(code="QZF", name="柴桑区人民政府")
        Department.objects.create(code="ZJ", name="柴桑区住房和城乡建设局", unified_code=body_code, parent=superior)
        api.post(
            "/subjects",
            {"code": body_code, "name": "柴桑区住房和城乡建设局", "kind": "legal_person"},
            token=world["market"],
        )
        entry = {
            "list_type": "black_court_defaulter",
            "subject": body_code,
            "basis": "失信被执行人名单规定",
            "document_number": "（2025）赣0404执8号",
            "decided_on": "2025-05-30",
        }
        assert api.post("/list-entries", entry, token=world["court"]).status_code == 201
    notice = Task.objects.get(department=superior)
    assert notice.action == "superior_notice" and "督促整改" in notice.reason


def test_monthly_list_of_subjects_with_no_bad_record(api, world):
    out = io.StringIO()
    call_command("daily", "--date", "2025-07-01", stdout=out)
    assert '"published": true' in out.getvalue()
    second = io.StringIO()
    call_command("daily", "--date", "2025-07-02", stdout=second)
    assert '"published": false' in second.getvalue()
    listed = api.get("/clean-record-list", month="2025-07").json()
    codes = [item["code"] for item in listed["items"]]
    assert CLEAN in codes and PENALISED not in codes
    assert listed["as_of"] == "2025-07-01" and listed["years"] == 3 and listed["count"] == len(codes)

    # What was published stays published: a penalty decided in June and delivered in July does not
    # rewrite July's list (August's will leave the company out).
    late = penalty(701, CF_XDR_SHXYM=CLEAN, CF_XDR_MC="九江守信农业有限公司", CF_JDRQ="2025-06-20")
    with clock.frozen_at(dt.date(2025, 7, 3)):
        assert (
            api.post("/records", {"category": "admin_penalty", "fields": late}, token=world["market"]).status_code
            == 201
        )
    again = api.get("/clean-record-list", month="2025-07").json()
    assert [item["code"] for item in again["items"]] == codes
    call_command("daily", "--date", "2025-08-01", stdout=io.StringIO())
    august = api.get("/clean-record-list", month="2025-08").json()
    assert CLEAN not in [item["code"] for item in august["items"]]
    assert api.get("/clean-record-list", month="2025-09").status_code == 404
    assert api.get("/clean-record-list", month="July").status_code == 422
