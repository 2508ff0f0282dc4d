"""Batch checks stored as one signed document (models.CheckBatch): every answer can be read back, proven,
fed back on and counted as if it had been checked alone."""

import datetime as dt

import lz4.frame
import orjson
import pytest

from xinyong.audit.models import AuditEvent
from xinyong.checks.models import Check, CheckBatch
from xinyong.core import clock
from xinyong.lists.models import ListType
from xinyong.records.tests.factories import uscc

from .conftest import COMPANY, REP
from .test_check_loop import enter

TODAY = dt.date(2025, 6, 2)
PROCUREMENT = "government_procurement"


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen_at(TODAY):
        yield


def batch(api, token, codes, matter=PROCUREMENT):
    response = api.post("/checks/batch", {"matter": matter, "subjects": codes}, token=token)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_every_answer_of_a_batch_reads_back_exactly_and_is_genuine(api, world):
    enter(api, world["court"])
    codes = [COMPANY, uscc(777), "123", REP]
    results = batch(api, world["finance"], codes)
    stored = CheckBatch.objects.get()
    assert (stored.checks, stored.restricted, stored.incentive) == (3, 1, 0)
    assert stored.measure_count == sum(1 for r in results[0]["measures"] if not r["suspended"]) > 0
    assert results[0]["check_id"] == f"{stored.number}0000" and results[3]["check_id"] == f"{stored.number}0003"
    assert "check_id" not in results[2]  # an invalid code is answered in place, without a check number
    for answer in (results[0], results[1], results[3]):
        read = api.get(f"/checks/{answer['check_id']}", token=world["finance"]).json()
        assert read["answer"] == answer
        assert read["genuine"] is True and read["batch"] == stored.number and read["feedback"] == []
    assert Check.objects.count() == 0  # reading does not copy anything out
    assert api.get(f"/checks/{stored.number}0002", token=world["finance"]).status_code == 404
    assert api.get(f"/checks/{stored.number}0004", token=world["finance"]).status_code == 404
    assert api.get(f"/checks/{stored.number}0000", token=world["development"]).status_code == 403
    assert api.get(f"/checks/{stored.number}0000", token=world["office"]).json()["genuine"] is True


def test_the_person_of_a_batch_is_masked_in_the_stored_document(api, world):
    enter(api, world["court"])
    [answer] = batch(api, world["finance"], [REP], matter="high_consumption")
    assert answer["result"] == "restricted"
    assert answer["measures"][0]["source"]["via"] == {"organisation": COMPANY, "role": "legal_representative"}
    stored = CheckBatch.objects.get().answers_json().decode()
    assert REP not in stored and REP[:4] + "*" * 10 + REP[-4:] == answer["subject"]["code"]


def test_an_altered_batch_document_is_no_longer_genuine(api, world):
    enter(api, world["court"])
    [answer] = batch(api, world["finance"], [COMPANY])
    stored = CheckBatch.objects.get()
    document = orjson.loads(stored.answers_json())
    document[0]["result"] = "clear"
    CheckBatch.objects.filter(pk=stored.pk).update(document=lz4.frame.compress(orjson.dumps(document)))
    read = api.get(f"/checks/{answer['check_id']}", token=world["finance"]).json()
    assert read["answer"]["result"] == "clear" and read["genuine"] is False


def test_feedback_on_a_batch_answer_closes_the_loop_and_counts_once(api, world):
    entry = enter(api, world["court"]).json()
    results = batch(api, world["finance"], [COMPANY, uscc(777)])
    answer = results[0]
    measure = next(m for m in answer["measures"] if m["kind"] == "punishment")["code"]
    body = {"measure": measure, "applied": True, "note": "已拒绝其参加本次政府采购"}
    assert api.post(f"/checks/{answer['check_id']}/feedback", body, token=world["finance"]).status_code == 201
    assert api.post(f"/checks/{answer['check_id']}/feedback", body, token=world["finance"]).status_code == 409
    kept = Check.objects.get(number=answer["check_id"])  # copied out of the batch to take the feedback
    assert kept.batch.number == CheckBatch.objects.get().number and kept.answer == answer
    assert kept.subject.key == COMPANY
    read = api.get(f"/checks/{answer['check_id']}", token=world["finance"]).json()
    assert read["genuine"] is True and [f["measure"] for f in read["feedback"]] == [measure]

    assert api.get("/tasks", token=world["finance"]).json()["count"] == 0
    loop = api.get(f"/list-entries/{entry['id']}", token=world["court"]).json()["loop"]
    assert next(row for row in loop if row["department"] == "CZ")["feedback"] == 1
    stats = api.get("/loop/departments", token=world["office"], start="2025-06-01", end="2025-06-30").json()
    row = next(r for r in stats["departments"] if r["department"] == "CZ")
    assert (row["checks"], row["restricted"], row["feedback"]) == (2, 1, 1)
    assert row["feedback_rate"] == round(1 / row["measures_answered"], 4)


def test_single_and_batch_checks_add_up_in_the_statistics(api, world):
    enter(api, world["court"])
    api.post("/checks", {"subject": COMPANY, "matter": PROCUREMENT}, token=world["finance"])
    batch(api, world["finance"], [COMPANY, COMPANY, uscc(777)])
    stats = api.get("/loop/departments", token=world["office"], start="2025-06-01", end="2025-06-30").json()
    row = next(r for r in stats["departments"] if r["department"] == "CZ")
    assert (row["checks"], row["restricted"]) == (4, 3)


@pytest.fixture
def statistics(make_user):
    """An implementer none of the court defaulter measures names: told of a new entry only because it
    checked the subject lately."""
    return make_user("implementer", department="TJ", department_name="区统计局")[1]


def test_a_department_that_checked_in_a_batch_is_told_of_a_later_entry(api, world, statistics):
    batch(api, statistics, [uscc(777), COMPANY], matter="project_approval")
    enter(api, world["court"])
    tasks = api.get("/tasks", token=statistics).json()["items"]
    assert [(t["action"], t["entry"]["subject"]["code"]) for t in tasks] == [("publish", COMPANY)]


def test_a_batch_long_ago_or_without_the_subject_does_not_push(api, world, statistics):
    with clock.frozen_at(TODAY - dt.timedelta(days=120)):
        batch(api, statistics, [COMPANY], matter="project_approval")
    batch(api, statistics, [uscc(777)], matter="project_approval")
    enter(api, world["court"])
    assert api.get("/tasks", token=statistics).json()["count"] == 0


def test_batch_is_audited_with_its_number(api, world):
    batch(api, world["finance"], [COMPANY, "123"])
    event = AuditEvent.objects.get(action="check.batch")
    assert event.object_id == CheckBatch.objects.get().number
    assert event.after == {"matter": PROCUREMENT, "count": 1, "invalid": 1}


def test_a_batch_answers_every_code_exactly_as_a_check_of_it_alone(api, world, make_user):
    # The batch assembles its JSON from ready-made parts and takes shortcuts for most codes; a check of one
    # code builds its answer the general way. They must agree on every kind of code, in matters where only
    # list entries apply and in matters with clean-record rewards and a tender's report requirement.
    from xinyong.integrity.models import ReportRequirement
    from xinyong.measures.models import BusinessMatter

    enter(api, world["court"])
    red = uscc(611)
    other = uscc(612)
    for code, name in ((red, "九江守信模范有限公司"), (other, "九江异议建材有限公司")):
        body = {"code": code, "name": name, "kind": "legal_person"}
        assert api.post("/subjects", body, token=world["provider"]).status_code == 201
    red_type = ListType.objects.filter(kind="red", is_active=True, measures__incentive_kind="green_channel").first()
    _, red_initiator = make_user("initiator", department=red_type.initiator_department_code)
    enter(api, red_initiator, list_type=red_type.code, subject=red, document_number="柴信〔2025〕1号")
    objected = enter(api, world["court"], subject=other, document_number="（2025）赣0404执9号").json()
    objection = {"list_entry": objected["id"], "reason": "已全部履行判决，请核查"}
    assert api.post("/objections", objection, token=world["office"]).status_code == 201
    ReportRequirement.objects.create(matter=BusinessMatter.objects.get(code="bidding"), accepted_grades=["AA"])
    codes = [COMPANY, REP, red, other, uscc(777), COMPANY.lower(), f" {COMPANY[:9]} {COMPANY[9:]}", "123", REP]
    matters = ["government_procurement", "high_consumption", "project_approval", "bidding", red_matter(red_type)]
    seen = set()
    for matter in matters:
        answers = batch(api, world["finance"], codes, matter=matter)
        for code, answer in zip(codes, answers, strict=True):
            alone = api.post("/checks", {"subject": code, "matter": matter}, token=world["finance"])
            if alone.status_code == 422:
                assert answer["error"]["code"] == alone.json()["error"]["code"] == "invalid_identifier"
                continue
            alone = alone.json()
            assert {**answer, "check_id": None} == {**alone, "check_id": None}, (matter, code)
            seen.add(answer["result"])
            seen.update(m["suspended"] for m in answer["measures"])
            seen.update("via" if m["source"]["via"] else "direct" for m in answer["measures"])
            seen.update(["requirements"] if "requirements" in answer else [])
    # Every kind of answer was compared, not only "clear".
    assert {"restricted", "incentive", "clear", True, False, "via", "direct", "requirements"} <= seen


def red_matter(red_type) -> str:
    return red_type.measures.filter(incentive_kind="green_channel").first().matters.first().code


def test_the_credit_office_sees_tasks_and_batches_in_the_admin(api, world, client):
    from xinyong.accounts.models import User
    from xinyong.checks.models import Task
    from xinyong.checks.services import PUSH_REASONS
    from xinyong.integrity.public_sector import LIFTED, NOTICE_ACTIONS, UNDELIVERABLE

    # Every action a task can carry has its Chinese label.
    assert {*PUSH_REASONS, *NOTICE_ACTIONS.values(), UNDELIVERABLE, LIFTED} <= set(Task.Action.values)
    enter(api, world["court"])
    batch(api, world["finance"], [COMPANY, uscc(777)])
    client.force_login(User.objects.create_superuser(username="office-admin", password="x"))
    tasks = client.get("/admin/checks/task/")
    pushed = tasks.context["cl"].result_count
    assert pushed > 0 and "名单发布" in tasks.content.decode() and "区财政局" in tasks.content.decode()
    assert client.get("/admin/checks/task/?overdue=yes").context["cl"].result_count == 0  # due in 5 working days
    with clock.frozen_at(TODAY + dt.timedelta(days=30)):
        assert client.get("/admin/checks/task/?overdue=yes").context["cl"].result_count == pushed
    stored = CheckBatch.objects.get()
    page = client.get(f"/admin/checks/checkbatch/{stored.pk}/change/")
    assert page.status_code == 200 and stored.number in page.content.decode()
    assert client.get("/admin/checks/checkbatch/add/").status_code == 403


def test_a_matter_code_with_a_percent_sign_is_answered_as_it_is(api, world):
    from xinyong.checks import engine
    from xinyong.measures.models import BusinessMatter

    BusinessMatter.objects.create(code="100%_check", name="全额核查")
    engine.SNAPSHOT.mark_stale()
    known, unknown = batch(api, world["finance"], [COMPANY, uscc(777)], matter="100%_check")
    assert known["matter"] == unknown["matter"] == "100%_check"
    assert known["result"] == "clear" and known["subject"]["known"] is True
