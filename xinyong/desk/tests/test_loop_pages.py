"""名单认定, 信用核查 and 核查反馈 through the pages (Django's test client): what each role does, and what a
department cannot see or do with another department's entries and checks (the API's matrix)."""

import datetime as dt
import io
import re
from urllib.parse import unquote

import openpyxl
import pytest

from xinyong.accounts.models import User
from xinyong.checks.models import Check, Feedback
from xinyong.checks.tests import conftest as district
from xinyong.core import clock
from xinyong.lists.models import ListEntry

COMPANY, REP = district.COMPANY, district.REP
world = district.world  # the district of the check-loop scenarios
ENTRY = {
    "list_type": "black_court_defaulter",
    "subject": COMPANY,
    "document_number": "（2025）赣0404执123号",
    "basis": "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条",
    "reason": "有履行能力而拒不履行",
    "decided_on": "2025-05-20",
    "conduct_on": "2025-03-01",
    "starts_on": "",
    "ends_on": "",
}


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen_at(dt.datetime(2025, 6, 2, 10, 0)):
        yield


@pytest.fixture
def sign_in(world, client):
    def as_department(code: str, role: str):
        client.force_login(User.objects.get(department__code=code, roles__code=role))
        return client

    return as_department


def html(response) -> str:
    return response.content.decode()


def initiate(client, **changes) -> ListEntry:
    response = client.post("/desk/entries/new/", {**ENTRY, **changes, "step": "confirm"})
    assert response.status_code == 302, html(response)
    return ListEntry.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def check(client, subject=COMPANY, matter="政府采购"):
    return client.post("/desk/checks/", {"subject": subject, "matter": matter})


def test_initiator_previews_then_confirms_and_lands_on_the_entry(sign_in):
    court = sign_in("FY", "initiator")
    form = html(court.get("/desk/entries/new/"))
    assert '<label for="id_subject">统一社会信用代码或身份证号' in form and "失信被执行人（默认24个月）" in form
    for label in ("名单类型", "认定文书号", "认定依据", "认定日期"):
        assert f">{label}" in form

    preview = html(court.post("/desk/entries/new/", {**ENTRY, "step": "preview"}))
    assert "确认认定：九江失信建材有限公司" in preview and "2025-05-20 至 2027-05-19" in preview
    assert "钱多多（法定代表人" in preview and "限制失信被执行人参与政府采购活动" in preview
    assert "限制高消费" in preview and not ListEntry.objects.exists()

    entry = initiate(court)
    page = html(court.get(f"/desk/entries/{entry.pk}/"))
    assert "已认定并发布" in page and "（2025）赣0404执123号" in page and "钱多多" in page
    assert "认定发布" in page and "随组织列入（落实到人）" in page
    assert entry.created_by == User.objects.get(department__code="FY").username


def test_entry_form_names_a_mistyped_code_and_the_services_refusals_beside_their_fields(sign_in):
    court = sign_in("FY", "initiator")
    typo = COMPANY[:10] + "O" + COMPANY[11:]
    response = court.post("/desk/entries/new/", {**ENTRY, "subject": typo, "step": "preview"})
    page = html(response)
    assert "代码无效" in page and 'id="id_subject_error"' in page
    [subject] = [tag for tag in re.findall(r"<input[^>]*>", page) if 'id="id_subject"' in tag]
    assert 'aria-invalid="true"' in subject and re.search(r'aria-describedby="[^"]*id_subject_error', subject)
    missing = html(court.post("/desk/entries/new/", {**ENTRY, "document_number": "", "step": "preview"}))
    assert "请填写认定文书号" in missing
    initiate(court)
    duplicate = html(court.post("/desk/entries/new/", {**ENTRY, "step": "preview"}))
    assert "该主体已依同一文书列入该名单" in duplicate


def test_another_department_cannot_see_or_end_the_courts_entry(sign_in, make_user, client):
    entry = initiate(sign_in("FY", "initiator"))
    market, _ = make_user("initiator", department="SCJG")
    client.force_login(market)
    assert f"/desk/entries/{entry.pk}/" not in html(client.get("/desk/entries/"))
    refused = client.get(f"/desk/entries/{entry.pk}/")
    assert refused.status_code == 404 and "名单条目不存在" in html(refused)
    assert client.post(f"/desk/entries/{entry.pk}/revoke/", {"revoke-reason": "x"}).status_code == 404
    assert ListEntry.objects.get(pk=entry.pk).status == "active"
    market_form = html(client.get("/desk/entries/new/"))
    assert "失信被执行人" not in market_form  # only the list types the department owns

    office = sign_in("XYB", "credit_office")
    assert "九江失信建材有限公司" in html(office.get("/desk/entries/"))  # the credit office sees every roster


def test_an_implementer_is_refused_the_initiators_pages_in_chinese(sign_in):
    finance = sign_in("CZ", "implementer")
    response = finance.get("/desk/entries/")
    assert response.status_code == 403 and "发起部门" in html(response) and "无权访问" in html(response)
    assert "名单认定" not in html(finance.get("/desk/"))
    assert "信用核查" in html(finance.get("/desk/"))
    court = sign_in("FY", "initiator")
    assert court.get("/desk/checks/").status_code == 403  # the court is no implementer in this district


def test_implementer_sees_the_answer_in_words_with_basis_source_and_number(sign_in):
    initiate(sign_in("FY", "initiator"))
    finance = sign_in("CZ", "implementer")
    response = check(finance)
    number = Check.objects.get().number
    assert response["Location"] == f"/desk/checks/{number}/"
    page = html(finance.get(response["Location"]))
    assert "verdict-restricted" in page and ">限制</p>" in page and number in page
    assert "发改财金〔2016〕141号" in page and "强制性" in page and "行政性" in page and "失信被执行人" in page

    person = check(finance, subject=REP, matter="高消费")
    page = html(finance.get(person["Location"]))
    assert ">限制</p>" in page and "经由 九江失信建材有限公司" in page and "法定代表人" in page


def test_a_mistyped_code_is_never_answered_clear(sign_in):
    finance = sign_in("CZ", "implementer")
    typo = COMPANY[:-1] + ("0" if COMPANY[-1] != "0" else "1")
    for code, reason in ((typo, "校验码应为"), ("9136040400", "长度")):
        response = check(finance, subject=code)
        assert response.status_code == 422 and "代码无效" in html(response) and reason in html(response)
    assert not Check.objects.exists()
    unknown_matter = check(finance, matter="不存在的事项")
    assert "没有名为“不存在的事项”的业务事项" in html(unknown_matter)


def test_a_name_is_looked_up_and_one_match_is_checked(sign_in):
    finance = sign_in("CZ", "implementer")
    response = check(finance, subject="失信建材")
    assert response.status_code == 302 and Check.objects.get().subject_code == COMPANY
    assert "未找到名称含" in html(check(finance, subject="没有这家公司"))


def test_feedback_in_one_form_reaches_the_entry_page(sign_in):
    court = sign_in("FY", "initiator")
    entry = initiate(court)
    finance = sign_in("CZ", "implementer")
    url = check(finance, matter="日常监管检查")["Location"]
    page = html(finance.get(url))
    measures = re.findall(r'name="(applied_\d+)"', page)
    assert measures and "核查反馈" in page
    refused = finance.post(url + "feedback/", {name: "no" for name in set(measures)})
    assert refused.status_code == 422 and "未落实的措施须说明理由" in html(refused)
    assert 'id="id_note_0_error"' in html(refused) and not Feedback.objects.exists()

    answers = {name: "yes" for name in set(measures)}
    assert finance.post(url + "feedback/", answers).status_code == 302
    assert "已落实" in html(finance.get(url)) and "applied_0" not in html(finance.get(url))
    court = sign_in("FY", "initiator")
    page = html(court.get(f"/desk/entries/{entry.pk}/"))
    assert "区财政局" in page and "已落实" in page


def test_another_department_cannot_read_or_feed_back_a_check(sign_in):
    initiate(sign_in("FY", "initiator"))
    url = check(sign_in("CZ", "implementer"))["Location"]
    development = sign_in("FGW", "implementer")
    assert development.get(url).status_code == 403
    assert development.post(url + "feedback/", {"applied_0": "yes"}).status_code == 403
    assert not Feedback.objects.exists()
    assert sign_in("XYB", "credit_office").get(url).status_code == 200  # the credit office reads any check


def test_batch_file_answers_as_a_sheet_in_the_files_order(sign_in):
    initiate(sign_in("FY", "initiator"))
    finance = sign_in("CZ", "implementer")
    upload = io.BytesIO(f"统一社会信用代码\n91360404MA12345\n{COMPANY}\n".encode())
    upload.name = "codes.csv"
    response = finance.post("/desk/checks/batch/", {"matter": "政府采购", "file": upload})
    assert response.status_code == 200 and "批量核查结果-政府采购-" in unquote(response["Content-Disposition"])
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True))
    assert [(row[1], row[3]) for row in rows] == [("91360404MA12345", "代码无效"), (COMPANY, "限制")]
    empty = io.BytesIO(b"")
    empty.name = "codes.csv"
    assert "文件为空" in html(finance.post("/desk/checks/batch/", {"matter": "政府采购", "file": empty}))


def test_revoke_and_early_exit_through_the_entry_page(sign_in):
    court = sign_in("FY", "initiator")
    entry = initiate(court)
    blank = court.post(f"/desk/entries/{entry.pk}/revoke/", {"revoke-reason": ""})
    assert blank.status_code == 422 and "请填写理由" in html(blank)
    assert court.post(f"/desk/entries/{entry.pk}/revoke/", {"revoke-reason": "认定有误"}).status_code == 302
    assert ListEntry.objects.get(pk=entry.pk).status == "revoked"
    other = initiate(court, document_number="（2025）赣0404执124号")
    wrong = court.post(f"/desk/entries/{other.pk}/exit/", {"exit-reason": "已履行"})
    assert "请选择已满足的移出条件" in html(wrong)
    done = court.post(
        f"/desk/entries/{other.pk}/exit/", {"exit-reason": "已履行", "exit-conditions": ["obligations_performed"]}
    )
    assert done.status_code == 302 and ListEntry.objects.get(pk=other.pk).status == "exited"
    finance = sign_in("CZ", "implementer")
    assert ">无</p>" in html(finance.get(check(finance)["Location"]))


def test_a_pushed_task_links_to_its_entry_only_for_those_who_may_open_the_entry(sign_in):
    entry = initiate(sign_in("FY", "initiator"))
    link = f'href="/desk/entries/{entry.pk}/"'
    finance = sign_in("CZ", "implementer")
    for page in ("/desk/", "/desk/tasks/"):
        shown = html(finance.get(page))
        assert "九江失信建材有限公司" in shown and link not in shown  # the entry page would refuse it
    assert finance.get(f"/desk/entries/{entry.pk}/").status_code == 403
    office = sign_in("XYB", "credit_office")
    rows = html(office.get("/desk/statistics/CZ/pushed/?start=2025-06-01&end=2025-06-30"))
    assert "九江失信建材有限公司" in rows and link in rows
