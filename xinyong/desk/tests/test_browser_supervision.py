"""信用监管 in a real browser, through pages only (R17 `002 §1`, R18 `002 §6`): the market regulator finds a
commitment broken and the breach becomes a dishonesty record the portal shows; it registers inspectors,
draws a 双随机 plan with its seed shown, re-draws it to verify, and records the inspection's result. Every
page passes axe at 1366×768 and is photographed into /work/screens/supervision/ to be looked at."""

import datetime as dt

import pytest

from xinyong import demo
from xinyong.accounts.models import User
from xinyong.audit.services import Actor
from xinyong.subjects.models import Subject
from xinyong.supervision.services import commitments
from xinyong.testing.browser import (
    BROWSER_MARKS,
    OFFICE_SCREEN,
    audit_table_flushable,  # noqa: F401
    axe_violations,
    chromium_page,
    fits_width,
    screens,
)
from xinyong.testing.supervision import seed_drawing

pytestmark = BROWSER_MARKS
SHOP = demo.demo_uscc(5)  # 柴桑区便民商贸有限公司


@pytest.fixture
def site(live_server, frozen):
    """(url, passwords, seed): the demo; a commitment the shop made to the market regulator; a seed that
    draws the shop when it is the whole population."""
    passwords = {login.username: login.password for login in demo.load()}
    market = User.objects.get(username="scjg")
    shop = Subject.objects.get(uscc=SHOP)
    commitments.make_commitment(
        actor=Actor.of(market),
        subject=shop,
        department=market.department,
        kind="notify",
        item_name="食品经营许可（告知承诺）",
        text="本单位承诺已具备与经营项目相适应的冷藏冷冻设施，如有不实愿承担相应法律责任。",
        due_on=dt.date(2025, 7, 4),
    )
    return live_server.url, passwords, seed_drawing(shop)


@pytest.fixture
def browser(site):
    with chromium_page(viewport=OFFICE_SCREEN) as (page, errors):
        yield page, errors
        assert errors == [], errors


def _looked_at(page, name: str) -> None:
    assert axe_violations(page) == [], name
    assert fits_width(page), f"{name} is wider than the window"
    folder = screens() / "supervision"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _sign_in_to_supervision(page, url, passwords):
    page.goto(url + "/accounts/login/")
    page.get_by_label("用户名").fill("scjg")
    page.get_by_label("密码").fill(passwords["scjg"])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(url + "/desk/")
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="信用监管").click()
    assert page.locator("h1").inner_text() == "信用监管"


def test_a_commitment_breach_becomes_a_record_the_portal_shows(site, browser):
    url, passwords, _ = site
    page, errors = browser
    _sign_in_to_supervision(page, url, passwords)
    assert "待办 1 项" in page.get_by_role("region", name="信用承诺").inner_text()
    _looked_at(page, "01-hub")

    page.get_by_role("link", name="信用承诺").click()
    row = page.locator("tbody tr", has_text="柴桑区便民商贸有限公司")
    assert "2025-07-04" in row.inner_text() and "剩余 4 个工作日" in row.inner_text()  # Mon 06-30 → Fri 07-04
    assert row.locator(".urgent").count() == 1  # under five working days: marked
    _looked_at(page, "02-commitments")

    row.get_by_role("link").click()
    page.get_by_role("button", name="认定违诺").click()  # no facts given: refused beside the field
    assert "请填写违诺事实与证据" in page.locator(".has-error").inner_text()
    assert len(errors) == 1 and "422" in errors.pop()  # the browser logs the refused form's status
    page.get_by_label("虚假承诺").check()
    page.get_by_label("违诺事实与证据").fill(
        "2025年6月30日现场核查，经营场所无冷藏冷冻设施（核查记录 柴市监核〔2025〕17号）"
    )
    page.get_by_role("button", name="认定违诺").click()
    assert "已认定违诺，生成失信信息" in page.get_by_role("status").inner_text()
    facts = page.get_by_role("region", name="承诺内容").inner_text()
    assert "未践诺" in facts and "违背信用承诺信息" in facts
    assert page.get_by_role("button", name="认定违诺").count() == 0
    _looked_at(page, "03-commitment-broken")

    page.goto(url + f"/subjects/{SHOP}")
    portal = page.locator("main").inner_text()
    assert "违背信用承诺信息" in portal and "柴市监核〔2025〕17号" in portal
    _looked_at(page, "04-portal-breach")


def test_an_inspection_plan_is_drawn_verified_and_its_result_recorded(site, browser):
    url, passwords, seed = site
    page, _ = browser
    _sign_in_to_supervision(page, url, passwords)
    page.get_by_role("link", name="双随机抽查").click()
    inspectors = page.get_by_role("form", name="登记执法检查人员")
    for code, name in (("3604042001", "王执法"), ("3604042002", "李执法")):
        inspectors.get_by_label("执法证号").fill(code)
        inspectors.get_by_label("姓名").fill(name)
        inspectors.get_by_role("button", name="登记").click()
        assert f"已登记执法检查人员 {name}" in page.get_by_role("status").inner_text()

    page.get_by_label("计划名称").fill("2025年第3批食品经营者双随机抽查")
    page.get_by_label("抽查事项和内容").fill("食品经营许可条件保持情况、进货查验记录")
    page.get_by_label("指定抽取范围").fill(SHOP)
    page.get_by_label("随机种子").fill(seed)
    page.get_by_label("每户检查人员数").fill("2")
    _looked_at(page, "05-plans")
    page.get_by_role("button", name="抽取").click()
    assert f"随机种子 {seed}，抽中 1 户" in page.get_by_role("status").inner_text()
    assert page.locator("#seed").inner_text() == seed
    task = page.get_by_role("article", name="柴桑区便民商贸有限公司")
    assert "3604042001" in task.inner_text() and "3604042002" in task.inner_text()

    page.get_by_role("button", name="按种子重新抽取核验").click()
    assert "核验一致" in page.locator("#verified").inner_text()
    _looked_at(page, "06-plan-verified")

    task = page.get_by_role("article", name="柴桑区便民商贸有限公司")
    task.get_by_label("未发现问题").check()
    task.get_by_label("检查情况").fill("许可条件保持良好，进货查验记录完整")
    task.get_by_role("button", name="录入并公示").click()
    assert "已录入并公示柴桑区便民商贸有限公司的检查结果：未发现问题" in page.get_by_role("status").inner_text()
    done = page.get_by_role("article", name="柴桑区便民商贸有限公司").inner_text()
    assert "未发现问题" in done and "已公示" in done
    assert page.get_by_role("button", name="录入并公示").count() == 0
    _looked_at(page, "07-plan-result")
