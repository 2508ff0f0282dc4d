"""The seed workflow end to end through the API (000 §17–§20, 001 四, 003 §16–17): initiate → push →
check → apply → feed back, down to the legal representative."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from xinyong.checks import engine
from xinyong.checks.models import Check
from xinyong.core import clock
from xinyong.lists.models import ListEntry, ListType
from xinyong.testing.checks import COMPANY, COURT_LIST, REP, TODAY, check, enter
from xinyong.testing.factories import resident_id, uscc


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen_at(TODAY):
        yield


def test_court_defaulter_is_restricted_in_procurement_with_legal_basis(api, world):
    created = enter(api, world["court"])
    assert created.status_code == 201, created.content
    entry = created.json()
    assert entry["ends_on"] == "2027-05-19"  # default period of the list type: 2 years
    assert [d["via_role"] for d in entry["derived"]] == ["legal_representative"]

    answer = check(api, world["finance"]).json()
    assert answer["result"] == "restricted"
    assert answer["subject"] == {"code": COMPANY, "name": "九江失信建材有限公司", "known": True}
    procurement = [m for m in answer["measures"] if m["kind"] == "punishment"]
    assert procurement, answer
    measure = procurement[0]
    assert measure["force"] == "mandatory" and measure["type"] == "administrative"
    assert any("发改财金〔2016〕141号" in basis for basis in measure["legal_basis"])
    assert measure["source"] == {"list_type": COURT_LIST, "entry_id": str(entry["id"]), "via": None}
    assert measure["suspended"] is False
    assert Check.objects.get(number=answer["check_id"]).result == "restricted"


def test_legal_representative_is_restricted_via_the_company(api, world):
    enter(api, world["court"])
    answer = check(api, world["finance"], subject=REP, matter="high_consumption").json()
    assert answer["result"] == "restricted"
    assert answer["subject"]["code"] == REP[:4] + "*" * 10 + REP[-4:]
    [measure] = [m for m in answer["measures"] if m["kind"] == "punishment"]
    assert measure["source"]["via"] == {"organisation": COMPANY, "role": "legal_representative"}
    assert any("141号" in b for b in measure["legal_basis"])
    # The company itself is not restricted in a person-only matter.
    assert check(api, world["finance"], matter="high_consumption").json()["result"] != "restricted"


def test_person_who_left_before_the_conduct_is_not_listed(api, world):
    later = {
        "code": COMPANY,
        "name": "九江失信建材有限公司",
        "kind": "legal_person",
        "relations": [
            {
                "role": "legal_representative",
                "person": {"id_number": REP, "name": "钱多多"},
                "valid_from": "2018-01-01",
                "valid_to": "2024-12-31",
            },
            {
                "role": "legal_representative",
                "person": {"id_number": resident_id(502, "19800101"), "name": "孙新"},
                "valid_from": "2025-01-01",
            },
        ],
    }
    api.post("/subjects", later, token=world["provider"])
    entry = enter(api, world["court"]).json()
    assert [d["subject"] for d in entry["derived"]] == [
        resident_id(502, "19800101")[:4] + "*" * 10 + resident_id(502, "19800101")[-4:]
    ]
    assert check(api, world["finance"], subject=REP, matter="high_consumption").json()["result"] == "clear"


def test_only_the_owning_department_can_initiate(api, world):
    refused = enter(api, world["market_initiator"])
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_list_initiator"
    assert not ListEntry.objects.exists()
    assert enter(api, world["finance"]).status_code == 403  # an implementer is not an initiator at all


def test_entry_needs_document_and_basis_and_a_known_subject(api, world):
    response = enter(api, world["court"], basis=" ", document_number=" ")
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["error"]["details"]} == {"basis", "document_number"}
    assert enter(api, world["court"], subject=uscc(999)).status_code == 404
    assert enter(api, world["court"], ends_on="2035-01-01").json()["error"]["code"] == "period_too_long"
    assert enter(api, world["court"]).status_code == 201
    assert enter(api, world["court"]).status_code == 409


def test_red_list_company_gets_the_green_channel(api, world, make_user):
    red = ListType.objects.filter(kind="red", is_active=True, measures__incentive_kind="green_channel").first()
    assert red is not None, "the seeded catalog has a red list with a green-channel measure"
    _, initiator = make_user("initiator", department=red.initiator_department_code)
    created = enter(api, initiator, list_type=red.code, basis="守信激励认定", document_number="柴信〔2025〕1号")
    assert created.status_code == 201, created.content
    green = red.measures.filter(incentive_kind="green_channel").first()
    matter = green.matters.first().code
    answer = check(api, world["development"], matter=matter).json()
    assert answer["result"] == "incentive"
    assert any(m["incentive_kind"] == "green_channel" and m["kind"] == "reward" for m in answer["measures"])


def test_revocation_pushes_tasks_and_next_check_is_clear(api, world):
    entry = enter(api, world["court"]).json()
    first = check(api, world["finance"]).json()
    assert first["result"] == "restricted"
    published = api.get("/tasks", token=world["finance"]).json()["items"]
    assert any(t["action"] == "publish" and t["entry"]["id"] == entry["id"] for t in published)

    revoked = api.post(
        f"/list-entries/{entry['id']}/revoke", {"reason": "已全部履行，法院撤销失信决定"}, token=world["court"]
    )
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    tasks = api.get("/tasks", token=world["finance"]).json()["items"]
    assert [t["action"] for t in tasks if t["entry"]["id"] == entry["id"]] == ["revoke"]
    assert check(api, world["finance"]).json()["result"] == "clear"
    assert check(api, world["finance"], subject=REP, matter="high_consumption").json()["result"] == "clear"
    detail = api.get(f"/list-entries/{entry['id']}", token=world["office"]).json()
    assert [e["action"] for e in detail["events"]] == ["create", "revoke"]
    assert detail["events"][1]["reason"] == "已全部履行，法院撤销失信决定"


def test_department_that_checked_recently_is_told_of_a_later_entry(api, world, make_user):
    # Statistics implements none of the court defaulter measures: only its check makes it concerned.
    statistics = make_user("implementer", department="TJ", department_name="区统计局")[1]
    assert check(api, statistics, matter="project_approval").json()["result"] != "restricted"
    enter(api, world["court"])
    tasks = api.get("/tasks", token=statistics).json()["items"]
    assert [t["action"] for t in tasks] == ["publish"]


def test_feedback_closes_the_loop_and_shows_in_statistics(api, world):
    entry = enter(api, world["court"]).json()
    answer = check(api, world["finance"]).json()
    measure = next(m for m in answer["measures"] if m["kind"] == "punishment")["code"]
    bad = api.post(
        f"/checks/{answer['check_id']}/feedback", {"measure": measure, "applied": False}, token=world["finance"]
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "reason_required"
    assert (
        api.post(
            f"/checks/{answer['check_id']}/feedback", {"measure": "nope", "applied": True}, token=world["finance"]
        ).status_code
        == 422
    )
    given = api.post(
        f"/checks/{answer['check_id']}/feedback",
        {"measure": measure, "applied": True, "note": "已拒绝其参加本次政府采购"},
        token=world["finance"],
    )
    assert given.status_code == 201
    assert (
        api.post(
            f"/checks/{answer['check_id']}/feedback", {"measure": measure, "applied": True}, token=world["finance"]
        ).status_code
        == 409
    )
    assert (
        api.post(
            f"/checks/{answer['check_id']}/feedback", {"measure": measure, "applied": True}, token=world["development"]
        ).status_code
        == 403
    )

    assert api.get("/tasks", token=world["finance"]).json()["count"] == 0
    loop = api.get(f"/list-entries/{entry['id']}", token=world["court"]).json()["loop"]
    finance = next(row for row in loop if row["department"] == "CZ")
    assert (finance["pushed"], finance["closed"], finance["feedback"]) == (1, 1, 1)
    stats = api.get("/loop/departments", token=world["office"], start="2025-06-01", end="2025-06-30").json()
    row = next(r for r in stats["departments"] if r["department"] == "CZ")
    assert (row["checks"], row["restricted"], row["feedback"]) == (1, 1, 1)
    assert row["feedback_rate"] == round(1 / row["measures_answered"], 4)


def test_expiry_by_daily_job(api, world):
    entry = enter(api, world["court"], ends_on="2025-06-30").json()
    out = io.StringIO()
    with clock.frozen_at(dt.date(2025, 7, 1)):
        call_command("daily", stdout=out)
        assert '"expired": 1' in out.getvalue()
        call_command("daily", stdout=io.StringIO())
        assert ListEntry.objects.get(pk=entry["id"]).status == "expired"
        assert ListEntry.objects.get(derived_from_id=entry["id"]).status == "expired"
        assert check(api, world["finance"]).json()["result"] == "clear"


def test_batch_answers_in_input_order(api, world):
    enter(api, world["court"])
    codes = [uscc(777), COMPANY, "123", COMPANY.lower()]
    results = api.post(
        "/checks/batch", {"matter": "government_procurement", "subjects": codes}, token=world["finance"]
    ).json()["results"]
    assert [r.get("result") for r in results] == ["clear", "restricted", None, "restricted"]
    assert results[0]["subject"]["known"] is False
    assert results[2]["error"]["code"] == "invalid_identifier"
    too_many = api.post(
        "/checks/batch", {"matter": "government_procurement", "subjects": [COMPANY] * 10_001}, token=world["finance"]
    )
    assert too_many.status_code == 422


def test_check_is_verifiable_later(api, world):
    enter(api, world["court"])
    answer = check(api, world["finance"]).json()
    stored = api.get(f"/checks/{answer['check_id']}", token=world["finance"]).json()
    assert stored["genuine"] is True and stored["answer"] == answer
    Check.objects.filter(number=answer["check_id"]).update(answer={**answer, "result": "clear"})
    assert api.get(f"/checks/{answer['check_id']}", token=world["finance"]).json()["genuine"] is False
    assert api.get(f"/checks/{answer['check_id']}", token=world["development"]).status_code == 403


def test_unknown_matter_and_bad_code(api, world):
    assert check(api, world["finance"], matter="nope").json()["error"]["code"] == "unknown_matter"
    assert check(api, world["finance"], subject="123").status_code == 422


def test_another_process_snapshot_catches_up(api, world):
    other_process = engine.Snapshot()
    assert other_process.current().entries_of(1) == []
    entry = enter(api, world["court"]).json()
    with override_settings(XINYONG_SNAPSHOT_MAX_AGE_MS=0):
        subject_id = ListEntry.objects.get(pk=entry["id"]).subject_id
        assert [v.entry_id for v in other_process.current().entries_of(subject_id)] == [entry["id"]]
        api.post(f"/list-entries/{entry['id']}/revoke", {"reason": "撤销"}, token=world["court"])
        assert other_process.current().entries_of(subject_id) == []


def test_cli_check_prints_the_answer(api, world):
    enter(api, world["court"])
    out = io.StringIO()
    call_command("check", COMPANY, "--matter", "government_procurement", "--department", "CZ", stdout=out)
    text = out.getvalue()
    assert "结果：限制" in text and "发改财金〔2016〕141号" in text
