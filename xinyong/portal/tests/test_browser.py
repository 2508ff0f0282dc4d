"""The portal in a real browser (architecture §8): Playwright drives Debian's chromium against the app
served by pytest-django's live server — search a company (with the suggestions box), open its page,
download its credit report and verify it."""

import hashlib
import re
import shutil
import subprocess

import pytest

from xinyong.demo import data as demo
from xinyong.demo.data import demo_uscc
from xinyong.testing.browser import BROWSER_MARKS, audit_table_flushable, chromium_page  # noqa: F401

pytestmark = BROWSER_MARKS


@pytest.fixture
def demo_site(live_server, frozen):
    """The demo data, loaded before the browser starts: Playwright's sync API runs the test body in a
    greenlet with its own context, where Django would open (and leak) a second database connection."""
    demo.load()
    return live_server.url


@pytest.fixture
def browser_page(demo_site):
    with chromium_page(accept_downloads=True) as (page, errors):
        yield page, errors


def test_search_open_download_and_verify_a_report(demo_site, browser_page, tmp_path):
    code = demo_uscc(4)
    page, errors = browser_page

    page.goto(demo_site + "/")
    assert page.locator("h1").inner_text() == "信用信息一站式查询"
    page.get_by_label("企业名称或统一社会信用代码").fill("长江智能")
    suggestion = page.get_by_role("option", name="九江长江智能制造股份有限公司")
    suggestion.wait_for()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"/search\?q="))
    assert "查询结果（共 1 条）" in page.locator("main").inner_text()

    page.get_by_role("link", name="九江长江智能制造股份有限公司").click()
    page.wait_for_url(f"**/subjects/{code}")
    assert page.locator("h1").inner_text() == "九江长江智能制造股份有限公司"
    assert "赵**" in page.locator("main").inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载信用报告（PDF）").click()
    download = download_info.value
    assert download.suggested_filename.startswith("信用报告-XY-") and download.suggested_filename.endswith(".pdf")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    payload = target.read_bytes()
    assert payload.startswith(b"%PDF-")
    number = download.suggested_filename.removeprefix("信用报告-").removesuffix(".pdf")

    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
        assert "九江长江智能制造股份有限公司" in text and number in text and code in text

    # The URL printed under the QR code answers for this very file.
    verified = page.request.get(f"{demo_site}/api/v1/reports/verify/{number}").json()
    assert verified["genuine"] is True and verified["valid"] is True
    assert verified["subject"] == {"code": code, "name": "九江长江智能制造股份有限公司"}
    assert verified["content_hash"] == hashlib.sha256(payload).hexdigest()

    # And a person can check it on the portal's verification page.
    page.goto(demo_site + "/reports/verify")
    page.get_by_label("报告编号").fill(number)
    page.get_by_role("button", name="核验").click()
    page.wait_for_url(re.compile(r"/reports/verify\?number="))
    result = page.locator("main").inner_text()
    assert "真实有效" in result and verified["content_hash"] in result

    assert errors == [], errors
