"""What the workbench's 信用核查 and 核查反馈 pages do below the pages: feedback on every measure of a
check in one go, and batch checks from an uploaded file answered as a spreadsheet in the file's order."""

import datetime as dt
import io

import openpyxl
import orjson
import pytest

from xinyong.accounts.models import User
from xinyong.audit.services import Actor
from xinyong.checks.batch_files import answers_xlsx, codes_in_file
from xinyong.checks.models import Feedback
from xinyong.checks.services import answering, batch
from xinyong.checks.services.feedback import MeasureFeedback, feedback_state, give_all
from xinyong.core import clock
from xinyong.core.errors import InvalidInput
from xinyong.lists.services import EntryInput, create_entry
from xinyong.testing.checks import COMPANY, REP
from xinyong.testing.factories import uscc


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen_at(dt.date(2025, 6, 2)):
        yield


@pytest.fixture
def listed(world):
    court = User.objects.get(department__code="FY")
    data = EntryInput(
        list_type="black_court_defaulter",
        subject=COMPANY,
        basis="《最高人民法院关于公布失信被执行人名单信息的若干规定》",
        document_number="（2025）赣0404执123号",
        decided_on=dt.date(2025, 5, 20),
        conduct_on=dt.date(2025, 3, 1),
    )
    return create_entry(actor=Actor.of(court), user=court, data=data)


@pytest.fixture
def finance(world):
    return User.objects.get(department__code="CZ")


def check(user, code=COMPANY, matter="financial_subsidy"):
    return answering.check(actor=Actor.of(user), department=user.department, subject_code=code, matter=matter)


def test_feedback_on_every_measure_at_once_names_each_missing_reason_and_stores_nothing(listed, finance):
    answer = check(finance, matter="supervision_inspection")
    state = feedback_state(answer["check_id"], finance.department)
    codes = [m["code"] for m in state.owed]
    assert len(codes) >= 1 and not state.given
    items = [MeasureFeedback(code, False, "") for code in codes]
    with pytest.raises(InvalidInput) as missing:
        give_all(actor=Actor.of(finance), department=finance.department, number=answer["check_id"], items=items)
    assert [d["field"] for d in missing.value.details] == codes
    assert not Feedback.objects.exists()

    items = [MeasureFeedback(codes[0], True), *(MeasureFeedback(c, False, "本事项不适用") for c in codes[1:])]
    give_all(actor=Actor.of(finance), department=finance.department, number=answer["check_id"], items=items)
    state = feedback_state(answer["check_id"], finance.department)
    assert state.owed == [] and set(state.given) == set(codes)
    assert state.given[codes[0]].applied is True


def test_feedback_is_all_or_none_when_one_measure_is_refused(listed, finance):
    answer = check(finance, matter="government_procurement")
    [measure] = [m["code"] for m in answer["measures"]]
    items = [MeasureFeedback(measure, True), MeasureFeedback("not_in_this_check", True)]
    with pytest.raises(InvalidInput, match="不在该次核查结果中"):
        give_all(actor=Actor.of(finance), department=finance.department, number=answer["check_id"], items=items)
    assert not Feedback.objects.exists()


def write_csv(tmp_path, text: str, encoding="utf-8"):
    path = tmp_path / "codes.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_codes_come_from_the_code_column_or_a_file_without_header(tmp_path):
    with_header = write_csv(tmp_path, f"名称,统一社会信用代码\n甲公司,{COMPANY}\n乙公司,{uscc(7)}\n", "gb18030")
    assert codes_in_file(with_header, "codes.csv") == [COMPANY, uscc(7)]
    bare = write_csv(tmp_path, f"{COMPANY}\n91360404MA12345\n{REP}\n")
    assert codes_in_file(bare, "codes.csv") == [COMPANY, "91360404MA12345", REP]
    book = openpyxl.Workbook()
    book.active.append(["主体代码"])
    book.active.append([COMPANY])
    book.save(tmp_path / "codes.xlsx")
    assert codes_in_file(tmp_path / "codes.xlsx", "codes.xlsx") == [COMPANY]
    with pytest.raises(InvalidInput, match="没有待核查的代码"):
        codes_in_file(write_csv(tmp_path, "统一社会信用代码\n"), "codes.csv")
    with pytest.raises(InvalidInput, match="仅支持"):
        codes_in_file(write_csv(tmp_path, COMPANY), "codes.pdf")
    many = write_csv(tmp_path, "\n".join([COMPANY] * (batch.MAX_BATCH + 1)))
    with pytest.raises(InvalidInput, match="一次最多核查"):
        codes_in_file(many, "codes.csv")


def test_batch_answers_sheet_is_in_the_files_order_with_bad_codes_named(listed, finance):
    typo = COMPANY[:-1] + ("0" if COMPANY[-1] != "0" else "1")  # wrong check character
    codes = [uscc(7), COMPANY, "91360404MA12345", REP, typo]
    answers = batch.check_batch(
        actor=Actor.of(finance), department=finance.department, subject_codes=codes, matter="government_procurement"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(answers_xlsx(codes, answers, "政府采购"))).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [row[1] for row in rows] == codes
    assert [row[3] for row in rows] == ["无限制", "限制", "代码无效", "无限制", "代码无效"]
    assert rows[0][6] == "平台无该主体的信用记录"
    assert "限制失信被执行人参与政府采购活动（强制性）" in rows[1][4]
    assert rows[1][5] == orjson.loads(answers)[1]["check_id"]
    assert "长度" in rows[2][6] and rows[2][5] is None
    assert "校验" in rows[4][6]
