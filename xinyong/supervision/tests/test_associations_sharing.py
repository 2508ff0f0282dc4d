"""Industry associations (R27) and authorised sharing with financial institutions (R26)."""

import datetime as dt

from xinyong.audit.models import AuditEvent
from xinyong.core import clock
from xinyong.subjects.models import Subject
from xinyong.supervision import extensions
from xinyong.supervision.models import Membership
from xinyong.testing.supervision import COMPANY, TODAY, post_penalty

ASSOCIATION = "SPXH"


def volunteer_record(api, token) -> int:
    fields = {
        "subject_name": "九江守信建材有限公司",
        "subject_code": COMPANY,
        "decision_number": "ZYFW-2025-7",
        "decision_date": "2025-05-04",
        "content": "组织员工参加社区志愿服务120小时",
    }
    response = api.post("/records", {"category": "volunteer_service", "fields": fields}, token=token)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_unauthorised_financial_query_is_refused_and_audited(api, world, make_user):
    _, bank = make_user("financial_institution", department="JJBANK", department_name="九江银行柴桑支行")
    _, other_bank = make_user("financial_institution", department="NSBANK", department_name="农商银行柴桑支行")
    penalty = post_penalty(api, world["market"])
    volunteer = volunteer_record(api, world["market"])
    api.post("/interviews", {"subject": COMPANY, "kind": "prompt", "content": "提示约谈"}, token=world["housing"])

    refused = api.get(f"/authorised/subjects/{COMPANY}", token=bank)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_authorised"
    event = AuditEvent.objects.filter(action="authorised.read").latest("id")
    assert (event.department, event.object_id, event.after["granted"]) == ("JJBANK", COMPANY, False)
    assert api.get(f"/authorised/subjects/{COMPANY}", token=world["market"]).status_code == 403  # role

    body = {"grantee": "JJBANK", "purpose": "流动资金贷款贷前调查", "valid_to": "2025-12-31"}
    assert api.post("/authorisations", body, token=world["market"]).status_code == 403  # only the subject
    granted = api.post("/authorisations", body, token=world["company"])
    assert granted.status_code == 201, granted.content
    assert granted.json()["in_force"] is True

    read = api.get(f"/authorised/subjects/{COMPANY}", token=bank)
    assert read.status_code == 200, read.content
    shared = {r["id"]: r["disclosure"] for r in read.json()["records"]}
    assert shared == {penalty["id"]: "public", volunteer: "authorised"}  # never government-only ones
    event = AuditEvent.objects.filter(action="authorised.read").latest("id")
    assert event.after["granted"] is True and event.after["authorisation"] == granted.json()["id"]
    assert event.after["records"] == 2
    # The authorisation is for one institution only.
    assert api.get(f"/authorised/subjects/{COMPANY}", token=other_bank).status_code == 403
    assert [a["grantee"] for a in api.get("/authorisations", token=bank).json()["items"]] == ["JJBANK"]
    assert api.get("/authorisations", token=other_bank).json()["items"] == []

    revoked = api.post(f"/authorisations/{granted.json()['id']}/revoke", token=world["company"])
    assert revoked.json()["in_force"] is False
    assert api.get(f"/authorised/subjects/{COMPANY}", token=bank).status_code == 403
    refusals = AuditEvent.objects.filter(action="authorised.read", after__granted=False)
    assert refusals.count() == 3


def test_authorisation_scope_and_period(api, world, make_user):
    _, bank = make_user("credit_agency", department="XYFW", department_name="某信用服务机构")
    post_penalty(api, world["market"])
    volunteer = volunteer_record(api, world["market"])
    body = {"grantee": "XYFW", "purpose": "出具信用报告", "valid_to": "2025-07-31", "scope": "categories"}
    assert api.post("/authorisations", body, token=world["company"]).json()["error"]["code"] == "categories_required"
    government = api.post("/authorisations", {**body, "categories": ["interview"]}, token=world["company"])
    assert government.json()["error"]["code"] == "invalid_categories"
    too_long = api.post(
        "/authorisations",
        {**body, "categories": ["volunteer_service"], "valid_to": "2027-01-01"},
        token=world["company"],
    )
    assert too_long.json()["error"]["code"] == "invalid_period"
    ok = api.post("/authorisations", {**body, "categories": ["volunteer_service"]}, token=world["company"])
    assert ok.status_code == 201
    read = api.get(f"/authorised/subjects/{COMPANY}", token=bank).json()
    assert [r["id"] for r in read["records"]] == [volunteer]
    with clock.frozen_at(dt.date(2025, 8, 1)):
        assert api.get(f"/authorised/subjects/{COMPANY}", token=bank).status_code == 403


def association(api, world, make_user) -> str:
    made = api.post(
        "/associations",
        {"code": ASSOCIATION, "name": "柴桑区食品行业协会", "supervisor": "MZ", "rules": "《柴桑区食品行业协会章程》"},
        token=world["office"],
    )
    assert made.status_code == 201, made.content
    _, token = make_user("association", department=ASSOCIATION, department_name="柴桑区食品行业协会")
    joined = api.post(
        f"/associations/{ASSOCIATION}/members", {"subject": COMPANY, "member_number": "SP-018"}, token=token
    )
    assert joined.status_code == 201, joined.content
    return token


def censure(api, token, **extra):
    body = {
        "subject": COMPANY,
        "kind": "censure",
        "document_number": "柴食协〔2025〕3号",
        "reason": "会员在食品安全抽检中多次不合格，拒不整改",
        "decided_on": TODAY.isoformat(),
        **extra,
    }
    return api.post(f"/associations/{ASSOCIATION}/industry-measures", body, token=token)


def test_industry_measure_is_kept_in_the_member_file_and_public(api, world, make_user):
    token = association(api, world, make_user)
    _, stranger = make_user("association", department="JZXH", department_name="建筑业协会")
    assert censure(api, stranger).status_code == 403
    applied = censure(api, token)
    assert applied.status_code == 201, applied.content
    measure = applied.json()
    assert measure["kind_name"] == "公开谴责" and measure["ends_on"] == "2027-06-02"  # 24 months by default

    profile = api.get(f"/subjects/{COMPANY}").json()
    assert [m["kind"] for m in profile["industry_measures"]] == ["censure"]
    file = api.get(f"/associations/{ASSOCIATION}/members/{COMPANY}", token=token).json()
    assert file["membership"]["member_number"] == "SP-018"
    assert [m["document_number"] for m in file["industry_measures"]] == ["柴食协〔2025〕3号"]
    assert api.get(f"/associations/{ASSOCIATION}/members/{COMPANY}", token=stranger).status_code == 403

    expelled = censure(api, token, kind="expulsion", document_number="柴食协〔2025〕4号")
    assert expelled.status_code == 201
    assert Membership.objects.get(subject__key=COMPANY).status == "expelled"
    revoked = api.post(f"/industry-measures/{measure['id']}/revoke", {"reason": "复核撤销"}, token=token)
    assert revoked.json()["status"] == "revoked"
    assert [m["kind"] for m in api.get(f"/subjects/{COMPANY}").json()["industry_measures"]] == ["expulsion"]


def test_industry_measure_is_an_industry_measure_of_the_check_answer(api, world, make_user):
    token = association(api, world, make_user)
    applied = censure(api, token).json()
    company = Subject.objects.get(key=COMPANY)
    [answer] = extensions.industry_measures(company, "association_membership", TODAY)
    assert answer["type"] == "industry" and answer["kind"] == "punishment" and answer["force"] == "recommended"
    assert answer["code"] == f"industry-censure-{applied['id']}" and answer["implementing_department"] == ASSOCIATION
    assert "《柴桑区食品行业协会章程》" in answer["legal_basis"]
    assert any("共社信办字〔2020〕7号" in basis for basis in answer["legal_basis"])
    assert answer["source"]["supervision"]["association"] == ASSOCIATION
    assert extensions.industry_measures(company, "government_procurement", TODAY) == []
    assert extensions.industry_measures(company, "association_membership", dt.date(2027, 6, 3)) == []


def test_industry_measure_appears_in_a_check(api, world, make_user):
    token = association(api, world, make_user)
    censure(api, token)
    answer = api.post("/checks", {"subject": COMPANY, "matter": "honours"}, token=world["finance"]).json()
    industry = [m for m in answer["measures"] if m["type"] == "industry"]
    assert [m["name"] for m in industry] == ["公开谴责（柴桑区食品行业协会）"]
    assert industry[0]["source"]["supervision"]["kind"] == "industry_measure"
