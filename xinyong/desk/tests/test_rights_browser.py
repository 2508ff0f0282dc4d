"""异议处理, 信用修复 and 失信举报 in a real browser, through the workbench's pages (issue 19): the subject's side
files through the services (as /my/ does), the departments act only by clicking the Chinese labels. Every
page is checked by axe-core at 1366×768 and photographed into /tmp/shots-rights/ to be looked at."""

import datetime as dt
import re
from pathlib import Path

import pytest

from xinyong import demo
from xinyong.accounts.models import User
from xinyong.audit.services import Actor
from xinyong.core import clock
from xinyong.lists.models import ListEntry
from xinyong.rights import services as rights
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
