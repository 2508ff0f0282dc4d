"""The public credit evaluation (R18; 002 §6): a transparent scoring model, grades that move with the
record and explain why, history, the watch list for D, and grade measures in checks."""

import datetime as dt
import io
import json

from django.core.management import call_command

from xinyong.audit.models import AuditEvent
from xinyong.core import clock
from xinyong.core.models import Parameter
from xinyong.lists.models import ListEntry
from xinyong.records import services as records_services
from xinyong.subjects.models import Subject
from xinyong.supervision import extensions
from xinyong.supervision.models import Evaluation, GradeLevel, WatchReferral
from xinyong.testing.factories import uscc
from xinyong.testing.supervision import COMPANY, TODAY, daily, post_penalty, register


def grade(api, world) -> dict:
    response = api.get(f"/grades/{COMPANY}", token=world["office"])
    assert response.status_code == 200, response.content
    return response.json()


def test_scoring_model_is_public_data(api, db):
    model = api.get("/scoring-model").json()
    assert model["base_score"] == "80.0000" and model["score_range"] == [0, 100]
    general = next(i for i in model["indicators"] if i["code"] == "penalty_general")
    assert general["category"] == "admin_penalty" and general["points"] == "-10.00" and general["window_months"] == 12
    assert general["match_field"] == "CF_YZCD" and general["match_values"] == ["一般", ""]
    grades = {g["code"]: g for g in model["grades"]}
    assert [grades[c]["inspection_ratio"] for c in "ABCD"] == ["0.0200", "0.0500", "0.1000", "0.3000"]
    assert grades["D"]["refer_to_watch_list"] and grades["D"]["measures"] == ["watch_strict_supervision"]
    assert "reward_fewer_inspections" in grades["A"]["measures"]


def test_penalties_move_the_grade_and_it_explains_why(api, world):
    first = grade(api, world)["current"]
    assert (first["grade"], first["score"], first["contributions"]) == ("B", "80.00", [])

    general = post_penalty(api, world["market"])
    after = grade(api, world)
    current = after["current"]
    assert (current["grade"], current["score"], current["previous_grade"]) == ("C", "70.00", "B")
    [moved] = current["contributions"]
    assert moved["id"] == general["id"] and moved["indicator"] == "penalty_general"
    assert (moved["points"], moved["applied"], moved["label"]) == ("-10.00", "-10.00", "柴市监罚〔2025〕701号")
    assert "行政处罚（一般） 柴市监罚〔2025〕701号 -10" in current["explanation"]
    assert [h["grade"] for h in after["history"]] == ["C", "B"]
    assert AuditEvent.objects.filter(action="evaluation.change", object_id=COMPANY).count() == 2

    # The public profile shows the same grade and explanation.
    public = api.get(f"/subjects/{COMPANY}").json()["credit_grade"]
    assert public["grade"] == "C" and public["contributions"][0]["label"] == "柴市监罚〔2025〕701号"

    serious = post_penalty(api, world["market"], CF_WSH="柴市监罚〔2025〕702号", CF_YZCD="严重")
    current = grade(api, world)["current"]
    assert (current["grade"], current["score"]) == ("D", "45.00")  # 80 − 10 − 25
    assert {c["id"]: c["applied"] for c in current["contributions"]} == {
        serious["id"]: "-25.00",
        general["id"]: "-10.00",
    }
    # Reading twice changes nothing: history only grows when the result changes.
    assert len(grade(api, world)["history"]) == 3


def test_d_grade_is_offered_to_the_credit_office_for_the_watch_list(api, world):
    post_penalty(api, world["market"], CF_YZCD="严重")
    post_penalty(api, world["market"], CF_WSH="柴市监罚〔2025〕702号")
    assert grade(api, world)["current"]["grade"] == "D"
    [offered] = api.get("/watch-referrals", token=world["office"]).json()["items"]
    assert offered["source"] == "grade" and offered["status"] == "offered" and "D级" in offered["reason"]
    assert not ListEntry.objects.filter(list_type__code="watch_key_attention").exists()

    refused = api.post(f"/watch-referrals/{offered['id']}/accept", {}, token=world["market"])
    assert refused.status_code == 403
    accepted = api.post(f"/watch-referrals/{offered['id']}/accept", {"note": "同意列入"}, token=world["office"])
    assert accepted.status_code == 200, accepted.content
    entry = ListEntry.objects.get(pk=accepted.json()["list_entry"])
    assert entry.list_type.code == "watch_key_attention" and entry.initiator.code == "XYB"
    assert entry.records.count() == 1  # the serious penalty that took the grade to D when it arrived
    supervision = api.post("/checks", {"subject": COMPANY, "matter": "supervision_inspection"}, token=world["finance"])
    assert any(m["code"] == "watch_strict_supervision" for m in supervision.json()["measures"])
    assert (
        api.post(f"/watch-referrals/{offered['id']}/dismiss", {"note": "x"}, token=world["office"]).status_code == 422
    )


def test_d_grade_listed_at_once_when_the_parameter_says_so(api, world):
    Parameter.objects.filter(code="grade_watch_auto_list").update(value=1)
    post_penalty(api, world["market"], CF_YZCD="严重")
    assert grade(api, world)["current"]["grade"] == "D"
    referral = WatchReferral.objects.get()
    assert referral.status == "listed" and referral.decided_by == "system-xyb"
    assert referral.entry.created_by == "system-xyb" and referral.entry.initiator.code == "XYB"
    assert AuditEvent.objects.filter(action="user.create", object_id="system-xyb").exists()


def test_objection_restores_the_grade_at_once(api, world):
    record = post_penalty(api, world["market"])
    assert grade(api, world)["current"]["grade"] == "C"
    filed = api.post("/objections", {"record": record["id"], "reason": "处罚对象登记错误"}, token=world["company"])
    assert filed.status_code == 201, filed.content
    current = Evaluation.objects.get(subject__key=COMPANY, is_current=True)
    assert (current.grade, current.trigger) == ("B", "record.status")  # the record's status change, no read needed


def test_daily_job_grades_new_records_and_lets_old_ones_age_out(api, world, monkeypatch):
    # As a bulk import delivers records: nobody is told one by one, the daily job catches up.
    monkeypatch.setattr(records_services, "RECORD_DELIVERED", [])
    post_penalty(api, world["market"])  # decided 2025-01-24: counts for 12 months
    assert not Evaluation.objects.filter(subject__key=COMPANY).exists()
    jobs = daily(TODAY)
    assert jobs["grades"] == {"evaluated": 1, "changed": 1}
    evaluation = Evaluation.objects.get(subject__key=COMPANY, is_current=True)
    assert (evaluation.grade, evaluation.trigger, evaluation.expires_on) == ("C", "daily", dt.date(2026, 1, 25))
    assert daily(TODAY)["grades"]["changed"] == 0  # idempotent (the last run's rows are read once more)
    assert daily(dt.date(2026, 1, 24))["grades"] == {"evaluated": 0, "changed": 0}
    assert daily(dt.date(2026, 1, 25))["grades"] == {"evaluated": 1, "changed": 1}
    assert Evaluation.objects.get(subject__key=COMPANY, is_current=True).grade == "B"


def test_recompute_all_by_command_and_by_the_credit_office(api, world):
    register(api, world["market"], uscc(703), "九江第三建材有限公司")
    out = io.StringIO()
    call_command("grade", "--all", stdout=out)
    assert json.loads(out.getvalue()) == {"evaluated": 2, "changed": 2, "grades": {"B": 2}}
    out = io.StringIO()
    call_command("grade", COMPANY, stdout=out)
    assert json.loads(out.getvalue())[COMPANY]["grade"] == "B"
    assert api.post("/grades/recompute", {"all": True}, token=world["market"]).status_code == 403
    again = api.post("/grades/recompute", {"all": True}, token=world["office"]).json()
    assert again == {"evaluated": 2, "changed": 0, "grades": {"B": 2}}
    one = api.post("/grades/recompute", {"subjects": [COMPANY]}, token=world["office"]).json()
    assert one["evaluated"] == 1
    assert api.post("/grades/recompute", {}, token=world["office"]).status_code == 422


def test_grade_history_answers_what_was_public_on_a_past_day(api, world):
    grade(api, world)
    with clock.frozen_at(TODAY + dt.timedelta(days=10)):
        post_penalty(api, world["market"])
        grade(api, world)
    then = api.get(f"/subjects/{COMPANY}", as_of=TODAY.isoformat()).json()["credit_grade"]
    assert then["grade"] == "B"
    with clock.frozen_at(TODAY + dt.timedelta(days=10)):
        assert api.get(f"/subjects/{COMPANY}").json()["credit_grade"]["grade"] == "C"


def _company():
    return Subject.objects.get(key=COMPANY)


def test_grade_measures_follow_the_catalog_matters(api, world):
    """A → fewer inspections in supervision checks; D → strict supervision there, and nothing in a licensing
    matter the catalog does not give it (the grade restricts no matter on its own)."""
    level = GradeLevel.objects.get(code="B")
    level.measures.add(*GradeLevel.objects.get(code="A").measures.all())
    grade(api, world)
    today = clock.today()
    [fewer] = extensions.grade_measures(_company(), "supervision_inspection", today)
    assert fewer["code"] == "reward_fewer_inspections" and fewer["incentive_kind"] == "fewer_inspections"
    assert fewer["source"]["supervision"] == {
        "kind": "credit_grade",
        "id": fewer["source"]["supervision"]["id"],
        "grade": "B",
        "score": "80.00",
    }
    assert fewer["source"]["entry_id"] is None and fewer["legal_basis"]
    level.measures.clear()
    post_penalty(api, world["market"], CF_YZCD="严重")
    grade(api, world)
    [strict] = extensions.grade_measures(_company(), "supervision_inspection", today)
    assert (strict["code"], strict["kind"], strict["force"], strict["type"]) == (
        "watch_strict_supervision",
        "punishment",
        "recommended",
        "administrative",
    )
    assert extensions.grade_measures(_company(), "market_access", today) == []


def test_grade_measures_appear_in_a_check(api, world):
    post_penalty(api, world["market"], CF_YZCD="严重")
    assert grade(api, world)["current"]["grade"] == "D"
    answer = api.post(
        "/checks", {"subject": COMPANY, "matter": "supervision_inspection"}, token=world["finance"]
    ).json()
    strict = [m for m in answer["measures"] if (m["source"].get("supervision") or {}).get("kind") == "credit_grade"]
    assert [m["code"] for m in strict] == ["watch_strict_supervision"]
    licensing = api.post("/checks", {"subject": COMPANY, "matter": "market_access"}, token=world["finance"]).json()
    assert licensing["result"] != "restricted"


def test_a_record_delivered_by_api_is_graded_at_once(api, world):
    post_penalty(api, world["market"])
    evaluation = Evaluation.objects.get(subject__key=COMPANY, is_current=True)
    assert (evaluation.grade, evaluation.trigger) == ("C", "record.new")
