"""The check hot path without database round trips: the subject directory, its catch-up across
processes, and check rows written behind the answer (writer.py)."""

import json
import threading
import time

import pytest
from django.db import IntegrityError
from django.test import override_settings

from xinyong.checks import engine
from xinyong.checks.directory import (
    ID_SHAPED_ORGANISATION,
    ORGANISATION,
    PERSON,
    SubjectDirectory,
    SubjectView,
    record_kind,
    subject_json,
)
from xinyong.checks.models import Check
from xinyong.checks.services import storage
from xinyong.checks.writer import MAX_BACKLOG, CheckWriter
from xinyong.core import clock
from xinyong.testing.checks import COMPANY, TODAY, check, enter
from xinyong.testing.factories import resident_id, uscc


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen_at(TODAY):
        yield


def test_directory_finds_every_loaded_subject_and_nothing_else():
    loaded = [(n, uscc(n), "legal_person", uscc(n), "", f"九江测试{n}有限公司") for n in range(1, 2001)]
    loaded.append((5000, "Pabc", "natural_person", "", "3604**********1234", "张三"))
    directory = SubjectDirectory(loaded)
    assert len(directory) == 2001
    for pk, key, _, code, _, name in loaded[:-1]:
        assert directory.get(key) == SubjectView(pk=pk, key=key, name=name, public_code=code, is_person=False)
    person = directory.get("Pabc")
    assert person.is_person and person.public_code == "3604**********1234" and person.name == "张三"
    assert directory.get(uscc(2001)) is None and directory.get("") is None


def test_a_batch_finds_in_the_directory_exactly_what_one_by_one_look_ups_find():
    id_shaped = resident_id(7, "19900101")  # an organisation's key with the shape of an ID number
    loaded = [(n, uscc(n), "legal_person", uscc(n), "", f"九江测试{n}有限公司") for n in range(1, 2001)]
    loaded += [
        (5000, "Pabc", "natural_person", "", "3604**********1234", "张三"),
        (5001, "九江码", "legal_person", "九江码", "", "非ASCII键"),
        (5002, id_shaped, "legal_person", id_shaped, "", "形似身份证号的组织"),
    ]
    directory = SubjectDirectory(loaded)
    directory.remember([SubjectView(pk=6000, key="NEW1", name="新主体", public_code="NEW1", is_person=False)])
    keys = [uscc(n) for n in range(1, 2001, 7)] + ["Pabc", "九江码", id_shaped, "NEW1", uscc(3000), "", "X", uscc(5)]
    found = directory.compact_many(keys)
    for key, pk, kind, part in zip(keys, *found, strict=True):
        view = directory.get(key)
        if view is None:
            assert (pk, kind, part) == (0, 0, None), key
        else:
            assert (pk, kind, part) == (view.pk, record_kind(view), subject_json(view)), key
    kinds = dict(zip(keys, found.kinds, strict=True))
    assert (kinds[uscc(5)], kinds["Pabc"], kinds[id_shaped]) == (ORGANISATION, PERSON, ID_SHAPED_ORGANISATION)
    assert found.pks[keys.index("NEW1")] == 6000 and found.pks[keys.index("九江码")] == 5001


class _Colliding(str):
    """A key whose hash is that of every other: what two keys of the same hash would do."""

    def __hash__(self):
        return 42


def test_a_batch_tells_apart_keys_of_the_same_hash():
    loaded = [(n, uscc(n), "legal_person", uscc(n), "", f"公司{n}") for n in range(1, 50)]
    loaded += [
        (101, _Colliding("SAME-1"), "legal_person", "SAME-1", "", "甲"),
        (102, _Colliding("SAME-2"), "legal_person", "SAME-2", "", "乙"),
    ]
    directory = SubjectDirectory(loaded)
    found = directory.compact_many([_Colliding("SAME-2"), _Colliding("SAME-1"), _Colliding("SAME-3"), uscc(3)])
    assert found.pks == [102, 101, 0, 3]
    assert [directory.get(_Colliding(key)).pk for key in ("SAME-1", "SAME-2")] == [101, 102]


def test_an_empty_directory_finds_only_what_it_was_told_later():
    directory = SubjectDirectory([])
    directory.remember([SubjectView(pk=1, key="K1", name="新主体", public_code="K1", is_person=False)])
    assert directory.compact_many(["K1", "K2"]).pks == [1, 0]


def test_directory_keeps_separators_in_names_and_prefers_what_it_was_told_later():
    directory = SubjectDirectory([(1, "K1", "legal_person", "K1", "", "名称\x1f带分隔符")])
    assert directory.get("K1").name == "名称\x1f带分隔符"
    directory.remember([SubjectView(pk=1, key="K1", name="新名称", public_code="K1", is_person=False)])
    assert directory.get("K1").name == "新名称"


def test_a_subject_created_after_the_directory_was_loaded_is_found(api, world):
    snapshot = engine.Snapshot()
    snapshot.current()
    late = uscc(777)
    body = {"code": late, "name": "九江后来建材有限公司", "kind": "legal_person"}
    assert api.post("/subjects", body, token=world["provider"]).status_code == 201
    assert snapshot.subjects_by_key({late})[late].name == "九江后来建材有限公司"
    assert snapshot.subjects_by_key({uscc(778)}) == {}


def test_a_rename_reaches_another_process_through_the_change_log(api, world):
    other_process = engine.Snapshot()
    assert other_process.current().subjects_by_key({COMPANY})[COMPANY].name == "九江失信建材有限公司"
    renamed = {"code": COMPANY, "name": "九江改名建材有限公司", "kind": "legal_person"}
    assert api.post("/subjects", renamed, token=world["provider"]).status_code == 200
    with override_settings(XINYONG_SNAPSHOT_MAX_AGE_MS=0):
        assert other_process.current().subjects_by_key({COMPANY})[COMPANY].name == "九江改名建材有限公司"
    answer = check(api, world["finance"]).json()
    assert answer["subject"]["name"] == "九江改名建材有限公司", answer


def test_a_grown_directory_is_loaded_afresh_with_renames_made_meanwhile(api, world, monkeypatch):
    snapshot = engine.Snapshot()
    snapshot.current()
    late = [uscc(n) for n in (781, 782)]
    for code in late:
        body = {"code": code, "name": f"九江后来{code[-4:]}有限公司", "kind": "legal_person"}
        assert api.post("/subjects", body, token=world["provider"]).status_code == 201
    assert set(snapshot.subjects_by_key(set(late))) == set(late)
    assert snapshot.directory.remembered() == 2
    renewals = []
    # The renewal runs in a thread of its own in a server; here in the test's, to see its outcome.
    monkeypatch.setattr(engine, "in_background", renewals.append)
    with override_settings(XINYONG_SNAPSHOT_MAX_AGE_MS=0, XINYONG_DIRECTORY_OVERLAY_MAX=2):
        snapshot.current()
        assert renewals == []  # not past the limit yet
    renamed = {"code": COMPANY, "name": "九江改名建材有限公司", "kind": "legal_person"}
    assert api.post("/subjects", renamed, token=world["provider"]).status_code == 200
    snapshot.subjects_by_key({uscc(783)})  # a miss: nothing more remembered
    snapshot.directory.remember([snapshot.directory.get(COMPANY)])  # the rename, caught up before the renewal
    with override_settings(XINYONG_SNAPSHOT_MAX_AGE_MS=0, XINYONG_DIRECTORY_OVERLAY_MAX=2):
        snapshot.current()
    assert len(renewals) == 1
    snapshot.renew_directory()
    assert snapshot.directory.remembered() == 1  # only the rename, re-read from the change log
    assert snapshot.directory.get(COMPANY).name == "九江改名建材有限公司"
    assert {snapshot.directory.get(code).name for code in late} == {f"九江后来{code[-4:]}有限公司" for code in late}


def test_a_person_is_answered_with_the_masked_number(api, world):
    number = resident_id(502, "19800101")
    assert check(api, world["finance"], subject=number).json()["subject"] == {
        "code": number[:4] + "*" * 10 + number[-4:],
        "name": None,
        "known": False,
    }


@override_settings(XINYONG_CHECK_WRITE_DELAY_MS=60_000)
def test_a_deferred_check_is_stored_by_the_next_flush_and_found_by_its_own_process(api, world, monkeypatch):
    writer = CheckWriter(storage.store_checks, storage.set_aside_check)
    monkeypatch.setattr(storage, "WRITER", writer)
    monkeypatch.setattr(writer, "_ensure_thread", lambda delay_ms: None)  # this test flushes by itself
    enter(api, world["court"])
    answer = check(api, world["finance"]).json()
    assert writer.pending() == 1 and not Check.objects.filter(number=answer["check_id"]).exists()
    stored = api.get(f"/checks/{answer['check_id']}", token=world["finance"]).json()
    assert writer.pending() == 0 and stored["genuine"] is True and stored["answer"] == answer


@override_settings(XINYONG_CHECK_WRITE_DELAY_MS=60_000)
def test_rows_of_a_failed_flush_wait_for_the_next_one_in_order(api, world, monkeypatch):
    written, failing = [], [True]

    def store(batch):
        if failing[0]:
            raise RuntimeError("数据库不可用")
        written.extend(batch)

    writer = CheckWriter(store, _refused_nothing)
    monkeypatch.setattr(writer, "_ensure_thread", lambda delay_ms: None)
    writer.submit([("a",), ("b",)])
    with pytest.raises(RuntimeError):
        writer.flush()
    writer.submit([("c",)])
    failing[0] = False
    assert writer.flush() == 3 and written == [("a",), ("b",), ("c",)]


def _refused_nothing(row, refused):
    raise AssertionError(f"{row} set aside: {refused}")


@override_settings(XINYONG_CHECK_WRITE_DELAY_MS=60_000)
def test_a_row_the_database_refuses_is_set_aside_and_the_others_are_stored(monkeypatch):
    written, set_aside = [], []

    def store(rows):
        if any(row[0] == "bad" for row in rows):
            raise IntegrityError("duplicate key value violates unique constraint")
        written.extend(rows)

    writer = CheckWriter(store, lambda row, refused: set_aside.append((row, str(refused))))
    monkeypatch.setattr(writer, "_ensure_thread", lambda delay_ms: None)
    writer.submit([("a",), ("bad",), ("c",)])
    assert writer.flush() == 2 and written == [("a",), ("c",)] and writer.pending() == 0
    assert set_aside == [(("bad",), "duplicate key value violates unique constraint")]


def test_a_check_number_taken_twice_is_kept_aside_and_the_process_goes_on(api, world, monkeypatch, settings, tmp_path):
    # The database refuses the second row (unique number): it is kept in a file, the first is stored, and
    # reading checks, which writes the queue first, goes on working.
    settings.XINYONG_CHECK_WRITE_DELAY_MS, settings.DATA_DIR = 60_000, tmp_path
    writer = CheckWriter(storage.store_checks, storage.set_aside_check)
    monkeypatch.setattr(storage, "WRITER", writer)
    monkeypatch.setattr(writer, "_ensure_thread", lambda delay_ms: None)
    enter(api, world["court"])
    first = check(api, world["finance"]).json()
    check(api, world["finance"])
    writer._pending[1] = writer._pending[1]._replace(number=first["check_id"])
    assert api.get(f"/checks/{first['check_id']}", token=world["finance"]).json()["genuine"] is True
    assert writer.pending() == 0 and Check.objects.count() == 1
    [kept] = (tmp_path / storage.UNSTORED_FILE).read_text(encoding="utf-8").splitlines()
    kept = json.loads(kept)
    assert kept["number"] == first["check_id"] and kept["content"]["answer"]["result"] == "restricted"
    assert kept["content"]["checked_by"] and "refused" in kept


@override_settings(XINYONG_CHECK_WRITE_DELAY_MS=60_000)
def test_a_backlog_makes_checks_store_their_own_rows(monkeypatch):
    written = []
    writer = CheckWriter(written.extend, _refused_nothing)
    monkeypatch.setattr(writer, "_ensure_thread", lambda delay_ms: None)
    writer._pending = [("old",)] * MAX_BACKLOG
    writer.submit([("new",)])
    assert written == [("new",)] and writer.pending() == MAX_BACKLOG


def test_the_writer_thread_writes_what_waits_without_being_asked():
    written = []
    writer = CheckWriter(written.extend, _refused_nothing)
    with override_settings(XINYONG_CHECK_WRITE_DELAY_MS=1):
        writer.submit([("a",), ("b",)])
        assert _wait_for(lambda: len(written) == 2)
        assert _wait_for(lambda: writer._thread is None)  # quiet: the thread ended
        writer.submit([("c",)])
        assert _wait_for(lambda: len(written) == 3)
    assert written == [("a",), ("b",), ("c",)] and writer.pending() == 0


def _wait_for(condition, seconds=10.0) -> bool:
    """Waits for another thread (bounded): the writer's own thread has no clock to drive."""
    deadline, pause = time.monotonic() + seconds, threading.Event()
    while time.monotonic() < deadline:
        if condition():
            return True
        pause.wait(0.01)
    return False


def test_a_failed_load_is_tried_again_by_the_next_check(api, world, monkeypatch):
    snapshot = engine.Snapshot()
    reload = snapshot._reload

    def fail_once():
        monkeypatch.setattr(snapshot, "_reload", reload)
        raise RuntimeError("数据库尚未就绪")

    monkeypatch.setattr(snapshot, "_reload", fail_once)
    with pytest.raises(RuntimeError):
        snapshot.current()
    assert snapshot.current().subjects_by_key({COMPANY})[COMPANY].name == "九江失信建材有限公司"
