"""The workbench in a real browser, through pages only, from sign-in, clicking the Chinese labels a person
reads: a wrong password, then a keyboard sign-in to 待办 → 推送任务 → mark handled; the credit office issues
and revokes an API token and reads the loop overview. Every page is checked by axe-core (WCAG 2.1 A/AA) at
1366×768 and photographed into /work/screens/desk/ to be looked at."""

import re

import pytest

from xinyong.demo import data as demo
from xinyong.testing.browser import (
    BROWSER_MARKS,
    OFFICE_SCREEN,
    audit_table_flushable,  # noqa: F401
    axe_violations,
    chromium_page,
    looked_at,
    sign_in,
)

pytestmark = BROWSER_MARKS


@pytest.fixture
def site(live_server, frozen):
    """(url, passwords by user name): the demo, loaded before the browser starts (see the portal's test)."""
    return live_server.url, {login.username: login.password for login in demo.load()}


@pytest.fixture
def browser(site):
    """(page, errors): errors are the script and console errors, none expected unless a test says so."""
    with chromium_page(viewport=OFFICE_SCREEN) as (page, errors):
        yield page, errors
        assert errors == [], errors


def _looked_at(page, name: str) -> None:
    looked_at(page, "desk", name)


def test_an_implementer_signs_in_by_keyboard_and_marks_a_pushed_task_handled(site, browser):
    url, passwords = site
    page, errors = browser
    page.goto(url + "/desk/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/desk/"))
    _looked_at(page, "01-login")

    page.get_by_label("用户名").fill("scjg")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert "用户名或密码不正确" in page.get_by_role("alert").inner_text()
    _looked_at(page, "02-login-wrong-password")

    # By keyboard alone: the name, Tab to the password, Tab to the button, Enter.
    page.get_by_label("用户名").fill("scjg")
    page.keyboard.press("Tab")
    page.keyboard.type(passwords["scjg"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "登录"
    page.keyboard.press("Enter")
    page.wait_for_url(url + "/desk/")
    assert page.locator("h1").inner_text() == "待办"
    header = page.locator("header").inner_text()
    assert "scjg" in header and "柴桑区市场监督管理局" in header and "部门管理员" in header and "退出" in header
    navigation = page.get_by_role("navigation", name="工作台导航")
    assert navigation.get_by_role("link", name=re.compile("推送任务")).inner_text().split() == ["推送任务", "2", "项"]
    assert "名单发布" in page.locator("main").inner_text()
    _looked_at(page, "03-todo")

    navigation.get_by_role("link", name=re.compile("推送任务")).click()
    page.wait_for_url(url + "/desk/tasks/")
    assert page.locator("h1").inner_text() == "推送任务"
    _looked_at(page, "04-tasks")

    page.get_by_label("处理说明").first.fill("已在行政审批系统中落实限制措施")
    page.get_by_role("button", name="标记已处理").first.click()
    assert "已标记为已处理" in page.get_by_role("status").inner_text()
    assert navigation.get_by_role("link", name=re.compile("推送任务")).inner_text().split() == ["推送任务", "1", "项"]
    page.get_by_role("link", name="已处理").click()
    assert "已在行政审批系统中落实限制措施" in page.locator("main").inner_text()
    _looked_at(page, "05-tasks-done")

    page.get_by_role("link", name="修改密码").click()
    assert page.locator("h1").inner_text() == "修改密码"
    _looked_at(page, "06-password")

    page.goto(url + "/desk/statistics/")  # the credit office's page: refused, in Chinese
    assert page.locator("h1").inner_text() == "无权访问"
    _looked_at(page, "07-refused")
    page.goto(url + "/desk/no-such-page/")
    assert page.locator("h1").inner_text() == "页面不存在"
    _looked_at(page, "08-not-found")
    # The browser logs the two error statuses asked for; nothing else.
    assert [e for e in errors if "403" in e or "404" in e] == errors and len(errors) == 2
    errors.clear()

    page.set_viewport_size({"width": 820, "height": 1180})  # a tablet: the navigation goes above the page
    page.goto(url + "/desk/tasks/?state=done")
    _looked_at(page, "09-tasks-tablet")

    page.get_by_role("button", name="退出").click()
    page.wait_for_url(url + "/accounts/login/")


def test_the_credit_office_issues_and_revokes_a_token_and_reads_the_loop_overview(site, browser):
    url, passwords = site
    page, _ = browser
    sign_in(page, url, "xyb", passwords["xyb"])
    page.wait_for_url(url + "/desk/")
    page.get_by_role("link", name="接口令牌").click()
    page.wait_for_url(url + "/desk/tokens/")
    _looked_at(page, "10-tokens")

    page.get_by_label("令牌所属账号").select_option(label="sw（国家税务总局九江市柴桑区税务局）")
    page.get_by_label("用途").fill("税务征管系统嵌入式核查")
    page.get_by_role("button", name="签发令牌").click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("xy_") and "离开本页后将无法再次查看" in page.locator("main").inner_text()
    _looked_at(page, "11-token-issued")
    api = url + "/api/v1/tasks"
    assert page.request.get(api, headers={"Authorization": f"Bearer {token}"}).status == 200

    prefix = token.split("_")[1]
    page.get_by_role("button", name=f"吊销令牌 {prefix}").click()
    assert "已吊销" in page.get_by_role("status").inner_text()
    assert page.request.get(api, headers={"Authorization": f"Bearer {token}"}).status == 401

    page.get_by_role("link", name="统计分析").click()
    page.wait_for_url(url + "/desk/statistics/")
    assert "统计分析" in page.locator("h1").inner_text()
    _looked_at(page, "12-statistics")
    page.get_by_role("link", name="推送给柴桑区市场监督管理局的任务 2 项").click()
    assert "共 2 项" in page.locator("main").inner_text()
    _looked_at(page, "13-statistics-rows")


def test_the_accessibility_check_does_find_violations(browser):
    page, _ = browser
    page.set_content('<html lang="zh-CN"><title>t</title><main><img src="data:,"><input id="q"></main></html>')
    found = " ".join(axe_violations(page))
    assert "image-alt" in found and "label" in found
