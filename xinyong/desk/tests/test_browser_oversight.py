"""廉信档案 and 审计日志 in a real browser, through pages only (R31 `004 二(一)`, R29): the discipline
department reads an official's integrity file, a provider's attempt is refused; the auditor then finds
both in the audit trail — named in Chinese, the read's fields in a table — narrows it to the provider, and
runs 审计链校验. Every page passes axe at 1366×768 and is photographed for a person to look at."""

import re

import pytest

from xinyong.accounts.models import Department
from xinyong.audit.services import SYSTEM
from xinyong.core import clock
from xinyong.demo import data as demo
from xinyong.integrity import services as integrity
from xinyong.subjects.services import register_subject
from xinyong.testing.browser import (
    BROWSER_MARKS,
    OFFICE_SCREEN,
    audit_table_flushable,  # noqa: F401
    axe_violations,
    chromium_page,
    fits_width,
    screens,
)
from xinyong.testing.factories import resident_id

pytestmark = BROWSER_MARKS
OFFICIAL = resident_id(801, "19750101")


@pytest.fixture
def site(live_server, frozen):
    """(url, passwords): the demo, and an official with one entry in the integrity file."""
    passwords = {login.username: login.password for login in demo.load()}
    register_subject(actor=SYSTEM, code=OFFICIAL, name="周正", kind="natural_person")
    integrity.add_official_record(
        actor=SYSTEM,
        department=Department.objects.get(code="JW"),
        person_code=OFFICIAL,
        employer_code="CZ",
        kind="discipline",
        content="2024年受到党内警告处分",
        decided_on=clock.today(),
    )
    return live_server.url, passwords


@pytest.fixture
def browser(site):
    with chromium_page(viewport=OFFICE_SCREEN) as (page, errors):
        yield page, errors
        assert [e for e in errors if "403" not in e] == [], errors


def _looked_at(page, name: str) -> None:
    assert axe_violations(page) == [], name
    assert fits_width(page), f"{name} is wider than the window"
    folder = screens() / "oversight"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _sign_in(page, url, username, password):
    page.goto(url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(url + "/desk/")


def _sign_out(page, url):
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(url + "/accounts/login/")


def test_discipline_reads_an_integrity_file_a_provider_cannot_and_the_auditor_finds_both(site, browser):
    url, passwords = site
    page, _ = browser
    _sign_in(page, url, "jw", passwords["jw"])
    navigation = page.get_by_role("navigation", name="工作台导航")
    navigation.get_by_role("link", name="廉信档案").click()
    page.get_by_label("公职人员身份证号").fill(OFFICIAL)
    page.get_by_role("button", name="查阅").click()
    file = page.get_by_role("region", name="周正的诚信档案")
    assert "2024年受到党内警告处分" in file.inner_text() and "党纪政务处分" in file.inner_text()
    _looked_at(page, "01-integrity-file")
    _sign_out(page, url)

    _sign_in(page, url, "scjg", passwords["scjg"])
    assert page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="廉信档案").count() == 0
    page.goto(url + "/desk/integrity/")
    assert page.locator("h1").inner_text() == "无权访问"
    assert "2024年受到党内警告处分" not in page.content()
    _looked_at(page, "02-integrity-refused")
    _sign_out(page, url)

    _sign_in(page, url, "sj", passwords["sj"])
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="审计日志").click()
    assert page.locator("h1").inner_text() == "审计日志"
    trail = page.locator("table.audit")
    read = trail.locator("tr", has_text="查阅公职人员诚信档案").first
    assert "jw" in read.inner_text() and "工作台" in read.inner_text()
    assert re.search(r"条数\s+—\s+1", read.locator("table.changes").inner_text())
    assert "拒绝越权访问" in trail.inner_text()
    _looked_at(page, "03-audit-trail")

    page.get_by_label("操作人").fill("scjg")
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("table.audit > tbody > tr")
    assert rows.count() >= 1 and all("scjg" in rows.nth(i).inner_text() for i in range(rows.count()))
    denied = rows.filter(has_text="拒绝越权访问").first
    assert "/desk/integrity/" in denied.inner_text() and "discipline、personnel" in denied.inner_text()
    _looked_at(page, "04-audit-filtered")

    page.get_by_role("button", name="审计链校验").click()
    assert re.search(r"审计链完好：共 \d+ 条事件", page.get_by_role("status").inner_text())
    _looked_at(page, "05-audit-verified")
