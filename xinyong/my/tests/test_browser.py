"""我的信用 in a real browser, through pages only (issue 20, Done when): a company registers and is active at
once because its legal representative matches; it objects to its court listing with an attachment and sees
the measures suspended; the court rejects and the company reads the reason; it applies for repair of a
penalty with the required conditions, the market regulator approves and the repair note is on the portal; it
authorises a bank, the bank queries and the query is in 查询记录. A second company whose data does not match
waits and the credit office approves it at 账户审核; a person sees its own ID number unmasked on /my/ and
masked on the portal. The departments' and the bank's side go through the API (their desks are another page).
Every page passes axe-core at 1366×768 and is photographed to /work/screens/my/."""

import json
import re

import pytest

from xinyong.accounts import services as accounts
from xinyong.accounts.models import User
from xinyong.audit.services import SYSTEM, Actor
from xinyong.core.masking import mask_id_number
from xinyong.demo import data as demo
from xinyong.demo.data import demo_resident_id, demo_uscc
from xinyong.records.services import ingest_record
from xinyong.testing.browser import (
    BROWSER_MARKS,
    OFFICE_SCREEN,
    audit_table_flushable,  # noqa: F401
    axe_violations,
    chromium_page,
    fits_width,
    screens,
)
from xinyong.testing.factories import penalty

pytestmark = BROWSER_MARKS
PASSWORD = "Xinyong-browser-2025"
PDF = b"%PDF-1.4\n% performance certificate\n"
COMPANY = demo_uscc(6)  # 九江浔阳建筑工程有限公司, on the court's defaulter list in the demo
PENALTY = "柴市监罚〔2025〕906号"


@pytest.fixture
def site(live_server, frozen):
    """The demo, a bank, and a January penalty of the listed company (repairable by June), loaded before the
    browser starts (Playwright's greenlet would open a second database connection)."""
    logins = {login.username: login for login in demo.load()}
    bank_dept = accounts.upsert_department(actor=SYSTEM, code="JJBANK", name="九江银行柴桑支行")
    bank = accounts.create_user(
        actor=SYSTEM, username="bank", department=bank_dept, roles=["financial_institution"], password=PASSWORD
    )
    _, bank_token = accounts.create_token(actor=SYSTEM, user=bank)
    fields = penalty(906, CF_XDR_SHXYM=COMPANY, CF_XDR_MC="九江浔阳建筑工程有限公司", CF_WSH=PENALTY)
    scjg = User.objects.get(username="scjg")
    ingest_record(actor=Actor.of(scjg), provider=scjg.department, category_code="admin_penalty", fields=fields)
    return live_server.url, logins, {"fy": logins["fy"].token, "scjg": logins["scjg"].token, "bank": bank_token}


@pytest.fixture
def browser(site):
    with chromium_page(viewport=OFFICE_SCREEN) as (page, errors):
        yield page, errors
        assert [e for e in errors if "status of 4" not in e] == [], errors


def _looked_at(page, name: str) -> None:
    assert axe_violations(page) == [], name
    assert fits_width(page), f"{name} is wider than the window"
    folder = screens() / "my"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _nav(page, label: str) -> None:
    page.get_by_role("navigation", name="我的信用导航").get_by_role("link", name=label).click()


def _sign_in(page, url, username, password):
    page.goto(url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def _register(page, url, *, kind="company", username, **fields):
    page.goto(url + f"/my/register/?kind={kind}")
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_label("登录用户名").fill(username)
    page.get_by_label("登录密码").fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_role("button", name="提交注册").click()


def _api(page, url, method, path, token, body=None):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    call = page.request.post if method == "POST" else page.request.get
    response = call(url + "/api/v1" + path, headers=headers, **({"data": json.dumps(body)} if body else {}))
    assert response.ok, response.text()
    return response.json()


def test_a_company_registers_objects_repairs_and_sees_who_queried_it(site, browser):
    url, _, tokens = site
    page, _ = browser
    _register(
        page,
        url,
        username="xunyang",
        **{
            "统一社会信用代码": COMPANY,
            "主体名称": "九江浔阳建筑工程有限公司",
            "法定代表人姓名": "刘大伟",
            "法定代表人身份证号": demo_resident_id(6, "19751230"),
        },
    )
    assert page.locator("h1").inner_text() == "账号已开通"
    _looked_at(page, "01-registered")
    page.get_by_role("link", name="登录我的信用").click()
    page.get_by_label("用户名").fill("xunyang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(url + "/my/")
    page.get_by_text(re.compile(r"正在实施的措施 \d+ 项")).click()  # a long list starts folded
    main = page.locator("main").inner_text()
    assert "失信被执行人" in main and "限制失信被执行人参与招标投标" in main and "依据：" in main and PENALTY in main
    _looked_at(page, "02-my-home")

    # 提出异议 on the court's listing, with a PDF: the measures are suspended at once.
    page.get_by_role("link", name="对 （2026）赣0404执88号 提出异议").click()
    page.get_by_label("异议理由").fill("本公司已于2025年6月全部履行判决确定的给付义务")
    page.get_by_label("证明材料").set_input_files(
        files=[{"name": "履行证明.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    _looked_at(page, "03-objection-form")
    page.get_by_role("button", name="提交异议").click()
    assert "核查期间相关措施暂停" in page.get_by_role("status").inner_text()
    assert "履行证明.pdf" in page.locator("main").inner_text()
    _nav(page, "我的信用记录")
    assert "异议处理中，措施暂停" in page.locator("main").inner_text()

    # The court rejects it; the company reads the reason on its page.
    [objection] = _api(page, url, "GET", "/objections", tokens["fy"])["items"]
    _api(
        page,
        url,
        "POST",
        f"/objections/{objection['id']}/decision",
        tokens["fy"],
        {"upheld": False, "reason": "经核实，执行款尚未到账，异议不成立"},
    )
    _nav(page, "提出异议")
    main = page.locator("main").inner_text()
    assert "异议不成立" in main and "经核实，执行款尚未到账，异议不成立" in main
    _looked_at(page, "04-objection-decided")

    # 申请信用修复 of the January penalty: the conditions as a checklist, a receipt against one.
    _nav(page, "我的信用记录")
    page.get_by_role("link", name=f"对 {PENALTY} 申请信用修复").click()
    page.get_by_label("信用承诺").fill("本公司承诺今后依法经营，如有违反愿接受惩戒。")
    page.get_by_label("已履行法定义务", exact=True).check()
    page.get_by_label("“已履行法定义务”的证明材料").set_input_files(
        files=[{"name": "缴款凭证.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    _looked_at(page, "05-repair-form")
    page.get_by_role("button", name="提交修复申请").click()
    assert "修复申请已提交" in page.get_by_role("status").inner_text()
    [repair] = _api(page, url, "GET", "/repairs", tokens["scjg"])["items"]
    _api(
        page,
        url,
        "POST",
        f"/repairs/{repair['id']}/decision",
        tokens["scjg"],
        {"approve": True, "reason": "已缴清罚款"},
    )
    page.reload()
    assert "修复成功" in page.locator("main").inner_text()
    _looked_at(page, "06-repair-approved")
    page.goto(url + f"/subjects/{COMPANY}")
    assert "九江浔阳建筑工程有限公司已完成信用修复" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="提出异议").count() >= 1

    # 授权查询: the bank, for 90 days; the bank queries; 查询记录 shows it.
    page.goto(url + "/my/authorisations/")
    page.get_by_label("被授权机构").select_option(label="九江银行柴桑支行")
    page.get_by_label("查询用途").fill("流动资金贷款贷前调查")
    page.get_by_label("截止日期").fill("2025-09-30")
    page.get_by_role("button", name="授权").click()
    assert "已授权 九江银行柴桑支行 查询" in page.get_by_role("status").inner_text()
    _looked_at(page, "07-authorisations")
    _api(page, url, "GET", f"/authorised/subjects/{COMPANY}", tokens["bank"])
    _nav(page, "查询记录")
    rows = page.locator("tbody").inner_text()
    assert "九江银行柴桑支行" in rows and "授权查询" in rows
    _looked_at(page, "08-queries")
    for name, path in (
        ("09-commitments", "/my/commitments/"),
        ("10-self-reports", "/my/self-reports/"),
        ("11-accounts", "/my/accounts/"),
    ):
        page.goto(url + path)
        _looked_at(page, name)


def test_a_company_that_does_not_match_waits_and_the_credit_office_approves_it_and_a_person_sees_its_own_id(
    site, browser
):
    url, logins, _ = site
    page, _ = browser
    _register(
        page,
        url,
        username="lushanhu",
        **{
            "统一社会信用代码": demo_uscc(2),
            "主体名称": "九江庐山湖物流有限公司",
            "法定代表人姓名": "李红",
            "法定代表人身份证号": demo_resident_id(2, "19821102"),
        },
    )
    assert page.locator("h1").inner_text() == "注册申请已提交"
    assert "法定代表人姓名或身份证号与平台登记不一致" in page.locator("main").inner_text()
    _looked_at(page, "12-pending")
    person_id = demo_resident_id(51, "19880808")
    _register(page, url, kind="person", username="zhouxm", **{"姓名": "周小明", "身份证号": person_id})
    assert page.locator("h1").inner_text() == "注册申请已提交"

    _sign_in(page, url, "xyb", logins["xyb"].password)
    page.get_by_role("link", name="账户审核").click()
    page.wait_for_url(url + "/desk/accounts/")
    _looked_at(page, "13-review")
    page.get_by_role("button", name="通过 九江庐山湖物流有限公司 的申请").click()
    assert "已通过" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="通过 周小明 的申请").click()
    page.get_by_role("button", name="退出").click()

    _sign_in(page, url, "lushanhu", PASSWORD)
    page.wait_for_url(url + "/my/")
    assert "九江庐山湖物流有限公司" in page.locator("main").inner_text()
    page.get_by_role("button", name="退出").click()

    _sign_in(page, url, "zhouxm", PASSWORD)
    page.wait_for_url(url + "/my/")
    assert page.locator("#own-id").inner_text() == person_id
    _looked_at(page, "14-person-home")
    page.goto(url + f"/subjects/{person_id}")
    shown = page.locator("main").inner_text()
    assert person_id not in shown and mask_id_number(person_id) in shown and "周小明" not in shown
    assert re.search(r"周\*", shown)
