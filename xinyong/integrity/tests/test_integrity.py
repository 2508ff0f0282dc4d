"""R31 officials' integrity files and R32 the credit service market, through the API."""

import datetime as dt
import hashlib

import pytest

from xinyong.accounts.models import User
from xinyong.audit.models import AuditEvent
from xinyong.core import clock
from xinyong.integrity.models import ReportRequirement
from xinyong.measures.models import BusinessMatter
from xinyong.subjects.models import Subject
from xinyong.testing.factories import resident_id, uscc

TODAY = dt.date(2025, 6, 2)
OFFICIAL = resident_id(801, "19750101")
BIDDER, AGENCY = uscc(802), uscc(803)


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def tokens(api, make_user):
    found = {
        "personnel": make_user("personnel", department="ZZB", department_name="区委组织部")[1],
        "discipline": make_user("discipline", department="JW", department_name="区纪委监委")[1],
        "office": make_user("credit_office", department="XYB")[1],
        "market": make_user("provider", "implementer", department="GGZY", department_name="区公共资源交易中心")[1],
    }
    for code, name, kind in (
        (OFFICIAL, "周正", "natural_person"),
        (BIDDER, "九江投标建设有限公司", "legal_person"),
        (AGENCY, "江西诚信评级有限公司", "legal_person"),
    ):
        assert (
            api.post("/subjects", {"code": code, "name": name, "kind": kind}, token=found["market"]).status_code == 201
        )
    return found


def test_officials_file_only_for_personnel_and_discipline_every_read_audited(api, tokens):
    body = {
        "person": OFFICIAL,
        "employer": "ZZB",
        "kind": "discipline",
        "content": "2024年受到党内警告处分",
        "decided_on": "2024-11-01",
    }
    assert api.post("/official-integrity-records", body, token=tokens["discipline"]).status_code == 201

    read = api.get(f"/official-integrity-records/{OFFICIAL}", token=tokens["personnel"])
    assert read.status_code == 200
    assert read.json()["entries"][0]["content"] == "2024年受到党内警告处分"
    assert AuditEvent.objects.filter(action="integrity.read", actor__startswith="u").count() == 1

    denied = api.get(f"/official-integrity-records/{OFFICIAL}", token=tokens["office"])
    assert denied.status_code == 403
    attempt = AuditEvent.objects.get(action="access.denied")
    assert attempt.department == "XYB" and attempt.object_id.endswith(OFFICIAL)

    profile = api.get(f"/subjects/{OFFICIAL}").json()
    assert "处分" not in str(profile) and "integrity" not in str(profile)


def _agency_account(api, tokens, make_user):
    body = {
        "code": AGENCY,
        "kind": "rating",
        "qualification": "信用评级机构备案",
        "qualification_number": "JX-2024-07",
        "valid_from": "2024-01-01",
        "valid_to": "2026-12-31",
    }
    assert api.post("/agencies", body, token=tokens["office"]).status_code == 201
    user, token = make_user("credit_agency", department="PJ")
    User.objects.filter(pk=user.pk).update(subject=Subject.objects.get(key=AGENCY))
    return token


def test_tender_check_states_the_third_party_report_requirement(api, tokens, make_user):
    ReportRequirement.objects.create(matter=BusinessMatter.objects.get(code="bidding"), accepted_grades=["AAA", "AA"])
    answer = api.post("/checks", {"subject": BIDDER, "matter": "bidding"}, token=tokens["market"]).json()
    [requirement] = answer["requirements"]
    assert requirement["met"] is False and "尚无" in requirement["message"]

    agency = _agency_account(api, tokens, make_user)
    document = hashlib.sha256(b"report pdf bytes").hexdigest()
    report = {
        "subject": BIDDER,
        "number": "JXCX-2025-0001",
        "grade": "AA",
        "issued_on": "2025-05-01",
        "valid_until": "2026-04-30",
        "document_sha256": document,
    }
    assert api.post("/third-party-reports", report, token=agency).status_code == 201
    assert api.post("/third-party-reports", report, token=agency).status_code == 409

    answer = api.post("/checks", {"subject": BIDDER, "matter": "bidding"}, token=tokens["market"]).json()
    assert answer["requirements"][0]["met"] is True and "JXCX-2025-0001" in answer["requirements"][0]["message"]
    plain = api.post("/checks", {"subject": BIDDER, "matter": "government_procurement"}, token=tokens["market"])
    assert "requirements" not in plain.json()

    verified = api.get("/third-party-reports/verify", agency=AGENCY, number="JXCX-2025-0001", sha256=document).json()
    assert verified["genuine"] is True and verified["valid_today"] is True and verified["grade"] == "AA"
    forged = api.get("/third-party-reports/verify", agency=AGENCY, number="JXCX-2025-0001", sha256="0" * 64).json()
    assert forged["genuine"] is False and forged["hash_matches"] is False
    with clock.frozen_at(dt.date(2026, 5, 1)):
        later = api.post("/checks", {"subject": BIDDER, "matter": "bidding"}, token=tokens["market"]).json()
        assert later["requirements"][0]["met"] is False


def test_agency_registry_and_its_own_rules(api, tokens, make_user):
    agency = _agency_account(api, tokens, make_user)
    listed = api.get("/agencies").json()["items"]
    assert [a["code"] for a in listed] == [AGENCY] and listed[0]["kind_display"] == "信用评级"
    outside = {
        "subject": BIDDER,
        "number": "X-1",
        "issued_on": "2027-01-05",
        "valid_until": "2027-12-31",
        "document_sha256": "a" * 64,
    }
    assert api.post("/third-party-reports", outside, token=agency).json()["error"]["code"] == "agency_not_qualified"
    bad_hash = {**outside, "issued_on": "2025-05-01", "document_sha256": "xyz"}
    assert api.post("/third-party-reports", bad_hash, token=agency).json()["error"]["code"] == "invalid_hash"
    _, stranger = make_user("credit_agency", department="PJ2")
    assert (
        api.post("/third-party-reports", {**outside, "issued_on": "2025-05-01"}, token=stranger).json()["error"]["code"]
        == "agency_not_registered"
    )
