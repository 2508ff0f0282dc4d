"""异议处理, 信用修复 and 失信举报 in a real browser, through the workbench's pages (issue 19): the subject's side
files through the services (as /my/ does), the departments act only by clicking the Chinese labels. Every
page is checked by axe-core at 1366×768 and photographed into /tmp/shots-rights/ to be looked at."""

import datetime as dt
import re
from pathlib import Path

import pytest

from xinyong.accounts import services as accounts
from xinyong.accounts.models import User
from xinyong.audit.services import SYSTEM, Actor
from xinyong.core import clock
from xinyong.demo import data as demo
from xinyong.lists.models import ListEntry
from xinyong.records.models import Record
from xinyong.rights import services as rights
from xinyong.subjects.models import Subject
from xinyong.testing.browser import (
    BROWSER_MARKS,
    OFFICE_SCREEN,
    audit_table_flushable,  # noqa: F401
    axe_violations,
    chromium_page,
    fits_width,
)

pytestmark = BROWSER_MARKS
SHOTS = Path("/tmp/shots-rights")


@pytest.fixture
def site(live_server):
    """(url, passwords by user name) of the demo, loaded on a Tuesday with the clock held there."""
    with clock.frozen_at(dt.datetime(2025, 6, 3, 10, 0)):
        yield live_server.url, {login.username: login.password for login in demo.load()}


@pytest.fixture
def browser(site, monkeypatch):
    # The subject's side is filed through the services between clicks, in this thread, where Playwright's
    # sync API keeps an event loop running; Django refuses ORM calls there unless told the caller is sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium_page(viewport=OFFICE_SCREEN) as (page, errors):
        yield page, errors
        assert errors == [], errors


def looked_at(page, name: str) -> None:
    assert axe_violations(page) == [], name
    assert fits_width(page), f"{name} is wider than the window"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, url, username, passwords):
    page.goto(url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(passwords[username])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(url + "/desk/")


def sign_out(page):
    page.get_by_role("button", name="退出").click()


def court_entry() -> ListEntry:
    return ListEntry.objects.get(list_type__code="black_court_defaulter", derived_from__isnull=True)


def object_as_the_company(reason: str):
    company = User.objects.get(username="qiye")
    return rights.file_objection(
        actor=Actor.of(company), user=company, record_id=None, entry_id=court_entry().pk, reason=reason, evidence=""
    )


def test_the_court_rejects_one_objection_with_a_reason_and_upholds_another_revoking_the_entry(site, browser):
    url, passwords = site
    page, errors = browser
    object_as_the_company("判决确定的款项已于2025年5月全部履行，名单信息有误")

    sign_in(page, url, "fy", passwords)
    navigation = page.get_by_role("navigation", name="工作台导航")
    assert navigation.get_by_role("link", name=re.compile("异议处理")).inner_text().split() == ["异议处理", "1", "项"]
    navigation.get_by_role("link", name=re.compile("异议处理")).click()
    page.wait_for_url(url + "/desk/objections/")
    row = page.get_by_role("row", name=re.compile("九江浔阳建筑工程有限公司"))
    assert "2025-06-23" in row.inner_text() and "剩 14 个工作日" in row.inner_text()  # within the deadline
    looked_at(page, "01-objections-queue")

    row.get_by_role("link", name=re.compile("核查异议")).click()
    assert "判决确定的款项已于2025年5月全部履行" in page.locator("main").inner_text()
    looked_at(page, "02-objection")
    page.get_by_role("button", name="办结异议").click()  # nothing chosen: told in Chinese, beside the fields
    assert "请选择核查结论" in page.locator("main").inner_text() and "请填写理由" in page.locator("main").inner_text()
    assert len(errors) == 1 and "422" in errors[0]  # the refused form's status, logged by the browser
    errors.clear()
    page.get_by_label("异议不成立（恢复标注和措施）").check()
    page.get_by_role("textbox", name="理由").fill("经查执行案件仍有未履行款项，异议不成立")
    page.get_by_role("button", name="办结异议").click()
    assert "异议不成立" in page.get_by_role("status").inner_text()
    assert "异议恢复" in page.locator("main").inner_text()
    looked_at(page, "03-objection-rejected")
    assert court_entry().status == ListEntry.Status.ACTIVE and not court_entry().under_objection

    object_as_the_company("执行案件已于2025年6月结案，附结案通知书")
    page.get_by_role("link", name=re.compile("异议处理")).first.click()
    page.get_by_role("link", name=re.compile("核查异议")).click()
    page.get_by_label("异议成立", exact=True).check()
    page.get_by_role("textbox", name="理由").fill("执行案件已结案，认定有误，撤销该条目")
    page.get_by_role("button", name="办结异议").click()
    assert "异议成立，该信息已撤销" in page.get_by_role("status").inner_text()
    told = page.get_by_role("table", name="推送给各部门的任务").inner_text()
    assert "名单撤销" in told
    looked_at(page, "04-objection-upheld")
    assert court_entry().status == ListEntry.Status.REVOKED

    page.get_by_role("link", name="异议处理", exact=True).first.click()
    page.get_by_role("link", name="已办结").click()
    assert page.locator("tbody tr").count() == 2
    sign_out(page)
    sign_in(page, url, "cz", passwords)  # an implementer: its task to lift the measures
    page.get_by_role("link", name=re.compile("推送任务")).click()
    assert "名单撤销" in page.locator("main").inner_text()
    looked_at(page, "05-implementer-told")


def test_the_market_regulator_approves_a_repair_and_the_note_appears_on_the_portal(site, browser):
    url, passwords = site
    page, _ = browser
    company = Subject.objects.get(key=demo.demo_uscc(5))  # fined on 2025-04-09 (一般: 3 months at least)
    account = accounts.create_user(actor=SYSTEM, username="bianmin", department=None, roles=["subject"])
    User.objects.filter(pk=account.pk).update(subject=company)
    account = User.objects.get(pk=account.pk)
    record = Record.objects.get(subject=company, category__code="admin_penalty")
    with clock.frozen_at(dt.datetime(2025, 7, 10, 10, 0)):
        rights.apply_repair(
            actor=Actor.of(account),
            user=account,
            record_id=record.pk,
            entry_id=None,
            methods=["fulfil", "commit"],
            commitment="本公司承诺按时公示年度报告，如有违反愿受惩戒。",
            conditions_met=["obligations_performed"],
        )
        sign_in(page, url, "scjg", passwords)
        page.get_by_role("navigation", name="工作台导航").get_by_role("link", name=re.compile("信用修复")).click()
        page.wait_for_url(url + "/desk/repairs/")
        assert "剩 10 个工作日" in page.get_by_role("row", name=re.compile("柴桑区便民商贸有限公司")).inner_text()
        looked_at(page, "06-repairs-queue")
        page.get_by_role("link", name=re.compile("审核修复申请")).click()
        checklist = page.get_by_role("list", name="修复条件核对").inner_text()
        assert checklist.count("✓ 已提供") == 2 and "按时公示年度报告" in checklist
        assert "2025-07-09" in page.locator("main").inner_text()  # the earliest day the rules allow
        looked_at(page, "07-repair")
        notice = page.request.get(
            url + page.get_by_role("link", name=re.compile("信用修复告知书")).get_attribute("href")
        )
        assert notice.status == 200 and notice.headers["content-type"] == "application/pdf"

        page.get_by_label("准予修复").check()
        page.get_by_role("textbox", name="理由").fill("已缴清罚款并补报年度报告")
        page.get_by_role("button", name="提交审核决定").click()
        note = page.locator("#note-preview").inner_text()
        assert note.startswith("柴桑区便民商贸有限公司已完成信用修复") and "2025-07-10起停止公示" in note
        looked_at(page, "08-repair-note-preview")
        page.get_by_role("button", name="确认修复并公示").click()
        assert "已准予修复" in page.get_by_role("status").inner_text()
        looked_at(page, "09-repair-approved")

        page.goto(url + "/repairs")  # the portal's repair notes
        assert note in page.locator("main").inner_text()
        looked_at(page, "10-portal-repair-notes")


REPORTER = "欧阳举报"


def test_a_report_is_assigned_handled_and_answered_and_only_the_handler_sees_the_reporter(site, browser):
    url, passwords = site
    page, _ = browser
    page.goto(url + "/report-dishonesty")
    page.get_by_label("被举报主体名称").fill("九江浔阳建筑工程有限公司")
    page.get_by_label("举报内容").fill("该公司在承接政府项目时长期拖欠农民工工资，经多次催告仍不支付。")
    page.get_by_label("举报人姓名").fill(REPORTER)
    page.get_by_label("联系电话或电子邮箱").fill("13912345678")
    page.get_by_role("button", name="提交举报").click()
    number = page.locator("#report-number").inner_text()
    code = page.locator("#query-code").inner_text()

    def anonymous(name):  # the page keeps the reporter's name to itself
        assert REPORTER not in page.content(), name
        looked_at(page, name)

    sign_in(page, url, "xyb", passwords)
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name=re.compile("失信举报")).click()
    anonymous("11-reports-triage")
    page.get_by_role("link", name=f"分办举报 {number}").click()
    anonymous("12-report-triage")
    page.get_by_label("承办部门").select_option(label="柴桑区市场监督管理局")
    page.get_by_role("button", name="分办", exact=True).click()
    assert "已分办" in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="办理中").click()
    anonymous("13-reports-office-open")
    sign_out(page)

    sign_in(page, url, "scjg", passwords)
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name=re.compile("失信举报")).click()
    assert "剩 30 个工作日" in page.get_by_role("row", name=re.compile(number)).inner_text()
    anonymous("14-reports-handler-queue")
    page.get_by_role("link", name=f"查看举报 {number}").click()
    assert REPORTER in page.get_by_role("region", name="举报人").inner_text()  # the handler's page only
    looked_at(page, "15-report-handler")
    page.get_by_role("button", name="受理", exact=True).click()
    page.get_by_label("调查核实情况").fill("现场核查工资发放台账，约谈企业负责人")
    page.get_by_role("button", name="记录调查情况").click()
    page.get_by_label("属实", exact=True).check()
    page.get_by_label("调查结论").fill("经查属实，已责令限期支付拖欠工资")
    page.get_by_role("button", name="办结", exact=True).click()
    page.get_by_label("答复内容").fill("经调查，您反映的情况属实，我局已责令该公司限期支付拖欠工资。感谢您的监督。")
    page.get_by_role("button", name="答复", exact=True).click()
    assert "已答复" in page.get_by_role("status").inner_text()
    looked_at(page, "16-report-replied")
    page.get_by_role("link", name="失信举报", exact=True).first.click()
    page.get_by_role("link", name="已办结").click()
    anonymous("17-reports-handler-done")
    sign_out(page)

    sign_in(page, url, "sj", passwords)  # the auditors read every report, never who reported it
    page.goto(url + "/desk/reports/?state=done")
    anonymous("18-reports-auditor")
    page.get_by_role("link", name=f"查看举报 {number}").click()
    anonymous("19-report-auditor")
    sign_out(page)

    page.goto(url + "/report-dishonesty/track")  # the reporter, with the number and the query code
    page.get_by_label("举报编号").fill(number)
    page.get_by_label("查询码").fill(code)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # by keyboard, as a reporter may
    assert "我局已责令该公司限期支付拖欠工资" in page.locator("main").inner_text()
    looked_at(page, "20-portal-track-reply")
