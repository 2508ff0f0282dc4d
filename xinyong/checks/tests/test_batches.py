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
from xinyong.testing.checks import COMPANY, REP, TODAY, enter
from xinyong.testing.factories import uscc

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


@pytest.mark.slow  # over a second on an idle machine: out of the fast subset
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
    from xinyong.integrity.public_sector import LIFTED, NOTICE_ACTIONS, UNDELIVERABLE
    from xinyong.notices.models import Task
    from xinyong.notices.services import PUSH_REASONS

    # Every action a task can carry has its Chinese label.
    assert {*PUSH_REASONS, *NOTICE_ACTIONS.values(), UNDELIVERABLE, LIFTED} <= set(Task.Action.values)
    enter(api, world["court"])
    batch(api, world["finance"], [COMPANY, uscc(777)])
    client.force_login(User.objects.create_superuser(username="office-admin", password="x"))
    tasks = client.get("/admin/notices/task/")
    pushed = tasks.context["cl"].result_count
    assert pushed > 0 and "名单发布" in tasks.content.decode() and "区财政局" in tasks.content.decode()
    assert client.get("/admin/notices/task/?overdue=yes").context["cl"].result_count == 0  # due in 5 working days
    with clock.frozen_at(TODAY + dt.timedelta(days=30)):
        assert client.get("/admin/notices/task/?overdue=yes").context["cl"].result_count == pushed
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


def test_a_measure_with_a_percent_sign_in_its_text_is_answered_as_it_is(api, world):
    # A batch writes an entry's measures from a template made once: text of the catalog must stay literal.
    from xinyong.checks import engine
    from xinyong.measures.models import Measure

    enter(api, world["court"])
    measure = Measure.objects.get(code="court_restrict_procurement")
    measure.name = "限制参与政府采购（100%财政资金项目）"
    measure.save()
    engine.SNAPSHOT.mark_stale()
    [answer] = batch(api, world["finance"], [COMPANY])
    alone = api.post("/checks", {"subject": COMPANY, "matter": PROCUREMENT}, token=world["finance"]).json()
    assert answer["measures"][0]["name"] == "限制参与政府采购（100%财政资金项目）"
    assert {**answer, "check_id": None} == {**alone, "check_id": None}


@pytest.fixture
def batch_writer(monkeypatch, settings):
    """The batch writer as in production (answers before storing), its thread left out: tests flush."""
    from xinyong.checks.services import storage
    from xinyong.checks.writer import CheckWriter

    settings.XINYONG_CHECK_WRITE_DELAY_MS = 60_000
    writer = CheckWriter(storage.store_batches, storage.set_aside_batch, max_pending=1, max_backlog=2)
    monkeypatch.setattr(storage, "BATCH_WRITER", writer)
    monkeypatch.setattr(writer, "_ensure_thread", lambda delay_ms: None)
    return writer


def test_a_batch_stored_behind_its_answer_is_found_signed_and_audited_by_its_own_process(api, world, batch_writer):
    enter(api, world["court"])
    [answer] = batch(api, world["finance"], [COMPANY])
    assert batch_writer.pending() == 1 and not CheckBatch.objects.exists()
    read = api.get(f"/checks/{answer['check_id']}", token=world["finance"]).json()  # flushes first
    assert batch_writer.pending() == 0 and read["genuine"] is True and read["answer"] == answer
    stored = CheckBatch.objects.get()
    assert AuditEvent.objects.get(action="check.batch").object_id == stored.number
    assert (stored.checks, stored.restricted, stored.measure_count) == (1, 1, 1)


def test_batches_waiting_past_the_backlog_are_stored_before_they_are_answered(api, world, batch_writer):
    for _ in range(3):
        batch(api, world["finance"], [COMPANY])
    assert batch_writer.pending() == 2 and CheckBatch.objects.count() == 1  # the third could not wait
    assert batch_writer.flush() == 2 and CheckBatch.objects.count() == 3


def test_a_batch_follows_entries_changed_after_it_first_read_them(api, world, make_user, monkeypatch):
    # A batch reads entries from the snapshot's arrays (engine.EntryTable), made once: entries changed
    # since are read from the snapshot itself, and once many have changed the arrays are made again.
    from xinyong.checks import engine

    entry = enter(api, world["court"]).json()
    second, later, several = uscc(621), uscc(622), uscc(623)
    for code in (second, later, several):
        body = {"code": code, "name": f"九江批量{code[-3:]}有限公司", "kind": "legal_person"}
        assert api.post("/subjects", body, token=world["provider"]).status_code == 201
    _, tax = make_user("initiator", department="SW", department_name="区税务局")
    enter(api, world["court"], subject=several, document_number="（2025）赣0404执301号")
    enter(api, tax, list_type="black_major_tax_violation", subject=several, document_number="九税稽罚〔2025〕3号")
    enter(api, world["court"], subject=later, document_number="（2025）赣0404执302号", starts_on="2025-07-01")
    codes = [COMPANY, second, later, several]

    def compared():
        answers = batch(api, world["finance"], codes)
        for code, answer in zip(codes, answers, strict=True):
            alone = api.post("/checks", {"subject": code, "matter": PROCUREMENT}, token=world["finance"]).json()
            assert {**answer, "check_id": None} == {**alone, "check_id": None}, code
        return [(answer["result"], len(answer["measures"])) for answer in answers]

    assert compared()[:3] == [("restricted", 1), ("clear", 0), ("clear", 0)]  # not in force before July
    assert compared()[3][0] == "restricted" and compared()[3][1] >= 2
    revoked = {"reason": "已全部履行，法院撤销失信决定"}
    assert api.post(f"/list-entries/{entry['id']}/revoke", revoked, token=world["court"]).status_code == 200
    enter(api, world["court"], subject=second, document_number="（2025）赣0404执303号")
    assert engine.SNAPSHOT.current().entry_table().moved  # both read from the snapshot, not the arrays
    assert compared()[:2] == [("clear", 0), ("restricted", 1)]
    monkeypatch.setattr(engine, "ENTRY_TABLE_MOVED_MAX", 0)
    assert compared()[:2] == [("clear", 0), ("restricted", 1)]
    assert not engine.SNAPSHOT.current().entry_table().moved  # made again


def test_a_batch_the_database_refuses_is_kept_with_its_answers(api, world, batch_writer, settings, tmp_path):
    from xinyong.checks.services import storage

    settings.DATA_DIR = tmp_path
    [answer] = batch(api, world["finance"], [COMPANY])
    batch(api, world["finance"], [uscc(777)])
    taken = batch_writer._pending[0].record.number
    batch_writer._pending[1].record.number = taken  # the second batch's number taken by the first
    assert batch_writer.flush() == 1 and CheckBatch.objects.get().number == taken
    [kept] = (tmp_path / storage.UNSTORED_FILE).read_text(encoding="utf-8").splitlines()
    kept = orjson.loads(kept)
    assert kept["number"] == taken and kept["content"]["matter"] == PROCUREMENT
    assert kept["content"]["answers"][0]["subject"]["code"] == uscc(777)
