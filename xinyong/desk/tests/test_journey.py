"""The joint reward-and-punishment loop, end to end in a browser, through pages only (issue 18 "Done when";
000 §17–§20 发起-响应-反馈, 003 §16 §17, R7–R13): each person signs in and clicks the Chinese labels they
read. The court lists a company as 失信被执行人; the finance bureau checks it for 政府采购 (限制, 发改财金
〔2016〕141号) and its legal representative for 高消费 (落实到人, via the company), and feeds back what it
did; the court reads the feedback on the entry's page, the credit office sees the loop closed; the court
revokes; the revocation is in the finance bureau's 推送任务 and the next check is clear.

Time moves through `clock.frozen_at` (the live server reads the same clock), a working week in June 2025.
Every page is checked by axe-core at 1366×768 and photographed into `XINYONG_SCREENS`/journey/."""

import contextlib
import datetime as dt
import re

import pytest

from xinyong.core import clock
from xinyong.demo import data as demo
from xinyong.testing.browser import (
    BROWSER_MARKS,
    OFFICE_SCREEN,
    audit_table_flushable,  # noqa: F401
    chromium_page,
    looked_at,
    sign_in,
)

pytestmark = BROWSER_MARKS

COMPANY = demo.demo_uscc(1)  # 九江柴桑示范建材有限公司, not on any list in the demo
COMPANY_NAME = "九江柴桑示范建材有限公司"
REPRESENTATIVE = demo.demo_resident_id(1, "19700315")  # 张建国, its legal representative
DOCUMENT = "（2025）赣0404执301号"
MONDAY = dt.datetime(2025, 6, 9, 9, 0)


@pytest.fixture
def at():
    """at(day, hour): the clock shows that moment of the journey's week (MONDAY + day) until moved again."""
    with contextlib.ExitStack() as stack:

        def move(day: int, hour: int = 9, minute: int = 0):
            stack.enter_context(clock.frozen_at(MONDAY + dt.timedelta(days=day, hours=hour - 9, minutes=minute)))

        move(0)
        yield move


@pytest.fixture
def site(live_server, at):
    return live_server.url, {login.username: login.password for login in demo.load()}


@pytest.fixture
def browser(site):
    with chromium_page(viewport=OFFICE_SCREEN) as (page, errors):
        yield page
        assert errors == [], errors


def shot(page, name: str) -> None:
    looked_at(page, "journey", name)


def nav(page):
    return page.get_by_role("navigation", name="工作台导航")


def main_text(page) -> str:
    return page.locator("main").inner_text()


def as_person(page, url, passwords, username):
    """Sign out whoever is at the screen, then sign in as `username`, landing on 待办."""
    if page.get_by_role("button", name="退出").count():
        page.get_by_role("button", name="退出").click()
        page.wait_for_url(url + "/accounts/login/")
    sign_in(page, url, username, passwords[username])
    page.wait_for_url(url + "/desk/")
    assert page.locator("h1").inner_text() == "待办"


def check(page, subject: str, matter: str) -> str:
    """On 信用核查: type the code, pick the matter, 核查; returns the check number shown."""
    page.get_by_label("统一社会信用代码或身份证号").fill(subject)
    page.get_by_label("业务事项").fill(matter)
    page.get_by_role("button", name="核查", exact=True).click()
    page.wait_for_url(re.compile(r"/desk/checks/[^/]+/$"))
    number = page.locator("dt:text-is('核查编号') + dd strong").inner_text()
    assert number and number in page.url
    return number


def feed_back_all_applied(page, note: str) -> None:
    for choice in page.get_by_role("radio", name="已落实").all():
        choice.check()
    page.get_by_label("说明（未落实须写明理由）").first.fill(note)
    page.get_by_role("button", name="提交反馈").click()
    assert "认定部门和信用办可即时查看" in page.get_by_role("status").inner_text()


def test_the_court_lists_finance_checks_and_feeds_back_the_court_revokes_and_the_next_check_is_clear(site, browser, at):
    url, passwords = site
    page = browser

    # Monday 09:30 — the court (发起部门 of 失信被执行人) puts the company on the list.
    at(0, 9, 30)
    as_person(page, url, passwords, "fy")
    shot(page, "01-court-todo")
    nav(page).get_by_role("link", name="名单认定").click()
    page.get_by_role("link", name="认定新条目").click()
    page.get_by_label("名单类型").select_option(label="失信被执行人（默认24个月）")
    page.get_by_label("统一社会信用代码或身份证号").fill(COMPANY)
    page.get_by_label("认定文书号").fill(DOCUMENT)
    page.get_by_label("认定依据").fill("《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条")
    page.get_by_label("失信或守信事实").fill("有履行能力而拒不履行生效法律文书确定的给付义务")
    page.get_by_label("认定日期").fill("2025-06-06")
    page.get_by_label("行为发生日期").fill("2025-03-03")
    shot(page, "02-court-new-entry")
    page.get_by_role("button", name="预览").click()
    assert page.locator("h1").inner_text() == f"确认认定：{COMPANY_NAME}"
    preview = main_text(page)
    assert "2025-06-06 至 2027-06-05" in preview and "按名单类型默认期限 24 个月" in preview
    assert "限制失信被执行人参与政府采购活动" in preview
    assert "张建国（法定代表人" in preview and "限制高消费" in preview
    shot(page, "03-court-preview")
    page.get_by_role("button", name="确认认定并发布").click()
    page.wait_for_url(re.compile(r"/desk/entries/\d+/$"))
    entry_url = page.url
    assert "已认定并发布" in page.get_by_role("status").inner_text()
    facts = main_text(page)
    assert page.locator("dt:text-is('状态') + dd").inner_text() == "有效"
    assert DOCUMENT in facts and "张建国（法定代表人" in facts
    shot(page, "04-court-entry-published")

    # Monday 14:00 — the finance bureau (实施部门) checks the company before a procurement.
    at(0, 14)
    as_person(page, url, passwords, "cz")
    nav(page).get_by_role("link", name="信用核查").click()
    page.wait_for_url(url + "/desk/checks/")
    shot(page, "05-finance-check-form")
    company_check = check(page, COMPANY, "政府采购")
    sheet = page.locator("article").inner_text()
    assert page.locator(".verdict").inner_text().endswith("限制")
    assert "发改财金〔2016〕141号" in sheet and "限制失信被执行人参与政府采购活动" in sheet
    assert "强制性" in sheet and "失信被执行人" in sheet and COMPANY_NAME in sheet
    shot(page, "06-finance-company-restricted")

    # …and its legal representative, a person, by ID number, for 高消费: restricted through the company.
    page.get_by_role("link", name="继续核查").click()
    person_check = check(page, REPRESENTATIVE, "高消费")
    sheet = page.locator("article").inner_text()
    assert page.locator(".verdict").inner_text().endswith("限制")
    assert "限制高消费" in sheet and f"经由 {COMPANY_NAME}（{COMPANY}），法定代表人" in sheet
    assert REPRESENTATIVE not in sheet  # a person's ID number is shown masked, even to the checker
    shot(page, "07-finance-person-restricted")
    feed_back_all_applied(page, "已拒绝其高消费申请")
    shot(page, "08-finance-person-fed-back")

    # Tuesday — what is owed is on 待办; the procurement feedback is given from there.
    at(1, 10)
    nav(page).get_by_role("link", name=re.compile("待办")).click()
    todo = main_text(page)
    assert f"核查编号 {company_check}" in todo and person_check not in todo
    shot(page, "09-finance-todo-feedback-owed")
    page.locator("tr", has_text=company_check).get_by_role("link", name="去反馈").click()
    page.wait_for_url(re.compile(re.escape(company_check)))
    feed_back_all_applied(page, "已取消其本次政府采购投标资格")
    assert "已反馈的落实情况" in main_text(page)
    shot(page, "10-finance-company-fed-back")

    # Wednesday — the court reads the finance bureau's feedback on the entry's page.
    at(2, 9, 30)
    as_person(page, url, passwords, "fy")
    nav(page).get_by_role("link", name="名单认定").click()
    page.get_by_role("link", name=COMPANY_NAME).first.click()
    assert page.url == entry_url
    loop = page.get_by_role("region", name="推送与反馈（闭环）").inner_text()
    assert "柴桑区财政局" in loop and "已取消其本次政府采购投标资格" in loop and "已拒绝其高消费申请" in loop
    assert company_check in loop and person_check in loop and "未落实" not in loop
    shot(page, "11-court-entry-feedback")

    # The credit office: the finance bureau's loop is closed (every measure answered fed back).
    as_person(page, url, passwords, "xyb")
    nav(page).get_by_role("link", name="统计分析").click()
    finance = page.locator("tr", has=page.get_by_role("rowheader", name="柴桑区财政局"))
    cells = finance.locator("td").all_inner_texts()
    # 核查次数, 限制, 应反馈措施, 已反馈, 反馈率, …
    assert cells[0] == "2" and cells[1] == "2" and cells[2] == cells[3] and cells[4] == "100%"
    shot(page, "12-office-statistics-closed")
    finance.get_by_role("link", name=re.compile("柴桑区财政局已反馈")).click()
    rows = main_text(page)
    assert company_check in rows and "限制失信被执行人参与政府采购活动" in rows and "court_restrict" not in rows
    shot(page, "13-office-feedback-rows")
    page.goto(entry_url)  # the credit office reads every department's entries
    assert "柴桑区财政局" in page.get_by_role("region", name="推送与反馈（闭环）").inner_text()

    # Next Monday — the court revokes the entry (the judgement was performed in full).
    at(7, 9)
    as_person(page, url, passwords, "fy")
    page.goto(entry_url)
    revoke = page.locator("form", has=page.get_by_role("heading", name="撤销认定"))
    revoke.get_by_label("理由").fill("被执行人已全部履行生效法律文书确定的义务")
    revoke.get_by_role("button", name="撤销").click()
    assert "已撤销该条目" in page.get_by_role("status").inner_text()
    assert "已撤销" in page.locator("dt:text-is('状态') + dd").inner_text()
    shot(page, "14-court-entry-revoked")

    # Tuesday — the finance bureau finds the revocation in 推送任务, and the next check is clear.
    at(8, 9)
    as_person(page, url, passwords, "cz")
    nav(page).get_by_role("link", name=re.compile("推送任务")).click()
    revoked = page.locator("tr", has_text="名单撤销").filter(has_text=COMPANY_NAME)
    assert revoked.count() == 1 and "请停止相应措施" in revoked.inner_text()
    shot(page, "15-finance-tasks-revocation")
    revoked.get_by_label("处理说明").fill("已在采购系统中解除限制")
    revoked.get_by_role("button", name="标记已处理").click()
    assert "已标记为已处理" in page.get_by_role("status").inner_text()
    nav(page).get_by_role("link", name="信用核查").click()
    check(page, COMPANY, "政府采购")
    assert page.locator(".verdict").inner_text().endswith("无")
    assert "发改财金〔2016〕141号" not in page.locator("article").inner_text()
    shot(page, "16-finance-company-clear")
