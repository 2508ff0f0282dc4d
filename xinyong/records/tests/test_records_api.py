import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from xinyong.accounts.models import Department
from xinyong.audit.models import AuditEvent
from xinyong.audit.services import Actor
from xinyong.catalog.models import Category
from xinyong.core import clock, crypto
from xinyong.core.errors import InvalidInput
from xinyong.records.models import Record
from xinyong.records.preparation import content_hash
from xinyong.records.services import withdraw_record
from xinyong.subjects.models import Subject
from xinyong.testing.factories import licence, penalty, resident_id, uscc

TODAY = dt.date(2025, 3, 10)


@pytest.fixture(autouse=True)
def frozen_today():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def scjg(make_user):
    return make_user("provider", department="SCJG", department_name="柴桑区市场监督管理局")[1]


def post(api, token, fields, category="admin_penalty", **extra):
    return api.post("/records", {"category": category, "fields": fields, **extra}, token=token)


def test_penalty_record_is_stored_with_due_date_over_spring_festival(api, scjg):
    response = post(api, scjg, penalty(1))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["outcome"] == "created" and body["version"] == 1
    # Fri 2025-01-24 + 7 working days = Mon 2025-02-10 (01-26 and 02-08 are make-up working days).
    assert body["publish_due"] == "2025-02-10"
    assert body["subject"]["code"] == uscc(1)
    record = Record.objects.get()
    assert record.channel == "api" and record.provider.code == "SCJG" and record.received_by.startswith("u")
    assert record.raw["CF_WSH"] == "柴市监罚〔2025〕1号"
    assert Subject.objects.get(key=uscc(1)).name == "九江测试商贸有限公司1"


def test_same_record_twice_is_one_record(api, scjg):
    assert post(api, scjg, penalty(1)).status_code == 201
    again = post(api, scjg, penalty(1))
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    assert Record.objects.count() == 1
    assert AuditEvent.objects.filter(action="record.created").count() == 1


def test_changed_record_for_same_decision_number_is_a_new_version(api, scjg):
    first = post(api, scjg, penalty(1)).json()
    second = post(api, scjg, penalty(1, CF_NR_FK="2", CF_NR="罚款人民币贰万元"))
    assert second.status_code == 201
    assert second.json()["outcome"] == "version" and second.json()["version"] == 2
    old, new = Record.objects.get(pk=first["id"]), Record.objects.get(pk=second.json()["id"])
    assert (old.is_current, old.status) == (False, "superseded")
    assert new.supersedes == old and new.fields["CF_NR_FK"] == "2"
    history = api.get(f"/records/{new.pk}", token=scjg).json()["history"]
    assert [h["version"] for h in history] == [2, 1]
    # Sending the first version again is a correction back to it: a third version, not a duplicate.
    third = post(api, scjg, penalty(1)).json()
    assert third["outcome"] == "version" and third["version"] == 3


def test_every_problem_of_a_bad_record_is_reported_and_nothing_stored(api, scjg):
    bad = penalty(1, CF_JDRQ="2025-02-30", CF_NR_FK="一万", CF_XDR_LB="公司", CF_WSH="")
    response = post(api, scjg, bad)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_record"
    fields = {d["field"] for d in error["details"]}
    assert fields == {"CF_JDRQ", "CF_NR_FK", "CF_XDR_LB", "CF_WSH"}
    assert "不是有效日期" in error["message"] and "行政处罚决定书文号为必填项" in error["message"]
    assert not Record.objects.exists() and not Subject.objects.exists()


def test_a_body_that_is_not_json_is_refused_in_chinese_and_nothing_stored(api, scjg):
    token = scjg
    for body in ['{"category": "admin_penalty", "fields": {', "\u6587\u4ef6".encode("gbk")]:
        response = api.client.post(
            "/api/v1/records", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert response.status_code == 400
        error = response.json()["error"]
        assert (error["code"], error["message"]) == ("invalid_json", "请求体不是有效的 JSON，请检查格式和编码（UTF-8）")
    assert not Record.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        (penalty(1, CF_XDR_SHXYM="91360404000000019A"), "CF_XDR_SHXYM", "校验码应为"),
        (penalty(1, CF_XDR_SHXYM=""), "CF_XDR_SHXYM", "必填"),
        (penalty(1, CF_JDRQ="2025-03-11"), "CF_JDRQ", "晚于今天"),
        (penalty(1, CF_XDR_LB="自然人", CF_XDR_ZJHM="360404198001010013"), "CF_XDR_ZJHM", "身份证号码无效"),
        ({**penalty(1), "CF_UNKNOWN": "x"}, "CF_UNKNOWN", "未知字段"),
    ],
)
def test_subject_and_field_errors_name_the_field(api, scjg, fields, field, text):
    response = post(api, scjg, fields)
    assert response.status_code == 422
    detail = response.json()["error"]["details"]
    assert any(d["field"] == field and text in d["message"] for d in detail), detail


def test_unknown_category_and_wrong_provider(api, scjg, make_user, db):
    assert post(api, scjg, penalty(1), category="nope").json()["error"]["code"] == "unknown_category"
    court = Category.objects.get(code="court_enforcement")
    _, fy = make_user("provider", department="FY", department_name="柴桑区人民法院")
    court.providers.add(Department.objects.get(code="FY"))
    body = {
        "subject_name": "九江某公司",
        "subject_code": uscc(7),
        "decision_number": "(2025)赣0404执1号",
        "decision_date": "2025-02-01",
        "content": "未履行生效判决",
    }
    assert post(api, scjg, body, category="court_enforcement").status_code == 403
    assert post(api, fy, body, category="court_enforcement").status_code == 201


def test_personal_id_numbers_are_masked_and_encrypted(api, scjg):
    rid = resident_id(5, "19751230")
    person_penalty = penalty(
        2, CF_XDR_MC="李四", CF_XDR_LB="自然人", CF_XDR_SHXYM="", CF_XDR_ZJHM=rid, CF_FRDB="", CF_FR_ZJHM=""
    )
    response = post(api, scjg, person_penalty)
    assert response.status_code == 201, response.content
    record = Record.objects.get()
    assert record.subject.kind == "natural_person"
    assert rid not in json.dumps(record.fields) + json.dumps(record.raw)
    assert record.fields["CF_XDR_ZJHM"] == rid[:4] + "*" * 10 + rid[-4:]
    assert json.loads(crypto.decrypt(record.personal_encrypted))["CF_XDR_ZJHM"] == rid
    profile = api.get(f"/subjects/{rid}").json()
    [group] = profile["records"]
    assert group["items"][0]["fields"]["CF_XDR_MC"] == "李*"
    assert rid not in json.dumps(profile, ensure_ascii=False)


def test_individual_business_without_code_is_keyed_on_operator(api, scjg):
    rid = resident_id(9)
    fields = penalty(
        3, CF_XDR_MC="柴桑区老王小吃店", CF_XDR_LB="个体工商户", CF_XDR_SHXYM="00000000000000000X", CF_FR_ZJHM=rid
    )
    assert post(api, scjg, fields).status_code == 201
    assert (
        post(
            api, scjg, penalty(4, CF_XDR_MC="柴桑区老王小吃店", CF_XDR_LB="个体工商户", CF_XDR_SHXYM="", CF_FR_ZJHM=rid)
        ).status_code
        == 201
    )
    shop = Subject.objects.get(kind="individual_business")
    assert shop.records.count() == 2 and shop.uscc == ""
    no_operator = penalty(5, CF_XDR_LB="个体工商户", CF_XDR_SHXYM="00000000000000000X", CF_FR_ZJHM="")
    assert "经营者身份证号码" in post(api, scjg, no_operator).json()["error"]["message"]


def test_public_profile_lists_published_records_only(api, scjg):
    post(api, scjg, penalty(1))
    held = post(api, scjg, penalty(1, CF_WSH="柴市监罚〔2025〕99号"), publish=False).json()
    profile = api.get(f"/subjects/{uscc(1)}").json()
    [group] = profile["records"]
    assert group["category"] == "admin_penalty" and group["count"] == 1
    api.post(f"/records/{held['id']}/publish", token=scjg)
    assert api.get(f"/subjects/{uscc(1)}").json()["records"][0]["count"] == 2


def test_withdrawal_removes_record_from_public_view(api, scjg):
    record_id = post(api, scjg, penalty(1)).json()["id"]
    assert api.post(f"/records/{record_id}/withdraw", {"reason": ""}, token=scjg).status_code == 422
    response = api.post(f"/records/{record_id}/withdraw", {"reason": "复议撤销原处罚决定"}, token=scjg)
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    assert api.get(f"/subjects/{uscc(1)}").json()["records"] == []
    assert AuditEvent.objects.filter(action="record.withdraw").exists()


def test_other_department_cannot_touch_or_read_a_record(api, scjg, make_user):
    record_id = post(api, scjg, penalty(1)).json()["id"]
    _, other = make_user("provider", department="SW")
    assert api.post(f"/records/{record_id}/withdraw", {"reason": "x"}, token=other).status_code == 403
    assert api.get(f"/records/{record_id}", token=other).status_code == 403
    _, office = make_user("credit_office", department="XYB")
    assert api.get(f"/records/{record_id}", token=office).status_code == 200
    assert AuditEvent.objects.filter(action="record.read", object_id=str(record_id)).count() == 1


def test_overdue_flagging_and_timeliness(api, scjg, make_user):
    # Decided 2025-01-24 (due 02-10): one published on time, one published late, one never published.
    with clock.frozen_at(dt.date(2025, 2, 7)):
        post(api, scjg, penalty(1))
    with clock.frozen_at(dt.date(2025, 2, 12)):
        post(api, scjg, penalty(2))
    held = post(api, scjg, penalty(3), publish=False).json()
    post(api, scjg, licence(1), category="admin_licensing", publish=False)  # decided 03-03, due 03-12

    out = io.StringIO()
    call_command("daily", "--date", "2025-03-10", stdout=out)
    assert json.loads(out.getvalue())["jobs"]["double_publicity_overdue"]["flagged"] == 1
    call_command("daily", "--date", "2025-03-10", stdout=io.StringIO())
    assert Record.objects.filter(overdue_flagged_on=TODAY).count() == 1
    assert Record.objects.get(pk=held["id"]).overdue_flagged_on == TODAY

    _, office = make_user("credit_office", department="XYB")
    body = api.get("/publicity/timeliness", token=office, start="2025-01-01", end="2025-03-31").json()
    [row] = body["departments"]
    assert (row["total"], row["on_time"], row["late"], row["overdue"], row["pending"]) == (4, 1, 1, 1, 1)
    assert row["on_time_rate"] == 0.25
    assert api.get("/publicity/timeliness", token=office, start="2025-04-01", end="2025-03-01").status_code == 422


def test_missing_calendar_year_keeps_record_and_warns(api, make_user):
    # Decided on the last day of 2026: the 7 working days run into 2027, which has no calendar yet.
    with clock.frozen_at(dt.date(2026, 12, 31)):
        _, token = make_user("provider", department="SCJG")
        response = post(api, token, penalty(1, CF_JDRQ="2026-12-30"))
    assert response.status_code == 201
    body = response.json()
    assert body["publish_due"] is None and "2027" in body["warnings"][0]


def test_categories_endpoint_lists_catalog(api, db):
    categories = {c["code"]: c for c in api.get("/categories").json()}
    assert {
        "admin_licensing",
        "admin_penalty",
        "court_enforcement",
        "credit_commitment",
        "honour",
        "self_reported",
        "abnormal_operation",
        "serious_dishonesty_list",
    } <= categories.keys()
    penalty_category = categories["admin_penalty"]
    assert penalty_category["publish_within_working_days"] == 7 and penalty_category["disclosure"] == "public"
    assert {f["name"] for f in categories["admin_licensing"]["fields"]} >= {"XK_XDR_MC", "XK_WSH", "XK_JDRQ"}
    assert len(categories["admin_licensing"]["fields"]) == 28


def test_severity_decides_publication_period(api, scjg):
    general = post(api, scjg, penalty(1)).json()
    serious = post(api, scjg, penalty(2, CF_YZCD="严重")).json()
    minor = post(api, scjg, penalty(3, CF_YZCD="轻微")).json()
    assert Record.objects.get(pk=general["id"]).publication_ends_on == dt.date(2026, 1, 24)
    assert Record.objects.get(pk=serious["id"]).publication_ends_on == dt.date(2028, 1, 24)
    # Minor penalties are not published at all, so they have no publication deadline either.
    assert minor["published_at"] is None and minor["publish_due"] is None
    visible = api.get(f"/subjects/{uscc(2)}").json()["records"]
    assert visible[0]["items"][0]["publication_ends_on"] == "2028-01-24"
    assert api.get(f"/subjects/{uscc(3)}").json()["records"] == []
    with clock.frozen_at(dt.date(2026, 1, 25)):
        assert api.get(f"/subjects/{uscc(1)}").json()["records"] == []


def test_the_content_hash_keeps_its_form():
    """Stored hashes must go on matching after any rewrite of the hashing: a re-import finds its
    records by them (the value was computed by the first implementation)."""
    fields = {"CF_WSH": "柴市监罚〔2025〕1号", "CF_NR_FK": "1", "BZ": 2}
    digest = content_hash(Category(code="admin_penalty"), "SCJG", "91360404000000019X", fields)
    assert digest == "f6f8aed1b9401de54dae4ca5b6d50ae884ec0c29ea38e79560ece52a78116463"


def test_a_too_long_withdrawal_reason_is_refused_naming_the_field_not_cut(api, scjg):
    record_id = post(api, scjg, penalty(1)).json()["id"]
    response = api.post(f"/records/{record_id}/withdraw", {"reason": "撤" * 501}, token=scjg)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["message"] == "理由过长：最多500个字符，实际501个"
    assert error["details"][0]["loc"] == ["body", "payload", "reason"]
    assert Record.objects.get(pk=record_id).status == Record.Status.ACTIVE  # nothing stored, nothing cut

    # Other channels (the admin's withdraw form, the workbench) reach the service itself: it refuses too.
    record = Record.objects.get(pk=record_id)
    with pytest.raises(InvalidInput) as refused:
        withdraw_record(actor=Actor(name="t"), provider=record.provider, record_id=record_id, reason="撤" * 501)
    assert str(refused.value) == "状态说明过长：最多500个字符，实际501个"
    assert refused.value.details == [{"field": "reason", "max_length": 500, "length": 501}]
    exactly = api.post(f"/records/{record_id}/withdraw", {"reason": "撤" * 500}, token=scjg)
    assert exactly.status_code == 200
    assert Record.objects.get(pk=record_id).status_reason == "撤" * 500
