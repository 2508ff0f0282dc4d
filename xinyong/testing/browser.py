"""What every browser test shares (architecture §8): Debian's chromium driven by Playwright against
pytest-django's live server, the SQLite audit-trigger lift a live-server test needs, and axe-core's
WCAG 2.1 A/AA check of a page.

A test module imports `audit_table_flushable` (pytest finds fixtures by name in the module) and sets
`pytestmark = BROWSER_MARKS`, which skips without chromium and uses that fixture.
"""

import contextlib
from importlib import import_module
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OFFICE_SCREEN = {"width": 1366, "height": 768}
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def screens() -> Path:
    """Where journeys leave their screenshots (the test setting XINYONG_SCREENS)."""
    from django.conf import settings

    return Path(settings.XINYONG_SCREENS)


BROWSER_MARKS = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed (scripts/system-packages.sh)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("audit_table_flushable"),
]


@pytest.fixture(scope="module")
def audit_table_flushable(django_db_setup, django_db_blocker):
    """A live-server test is transactional: Django empties every table afterwards. On SQLite it does so
    with DELETE, which the audit table's append-only trigger refuses (PostgreSQL truncates, which the
    row trigger does not see). Lift that one trigger for the module and put it back after the flush."""
    from django.db import connection

    triggers = import_module("xinyong.audit.migrations.0002_append_only_triggers")
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    yield
    if sqlite:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(next(sql for sql in triggers.SQLITE_UP if "audit_no_delete" in sql))


@contextlib.contextmanager
def chromium_page(**context_options):
    """(page, errors): a fresh headless chromium page; `errors` collects script errors and console errors."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(locale="zh-CN", **context_options)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        try:
            yield page, errors
        finally:
            context.close()
            browser.close()


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now, one line each (rule: first targets)."""
    # Evaluated through the debugging protocol, which the page's Content-Security-Policy (no inline scripts)
    # does not govern; a <script> tag would be refused, as it should be.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


def fits_width(page) -> bool:
    """Nothing wider than the window (no sideways scrolling of the whole page)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def looked_at(page, folder: str, name: str) -> None:
    """The page passes axe, fits the window (1366×768 unless a test changes it), and is photographed into
    `screens()/folder/name.png` for a person to look at."""
    assert axe_violations(page) == [], name
    assert fits_width(page), f"{name} is wider than the window"
    shots = screens() / folder
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def sign_in(page, url: str, username: str, password: str) -> None:
    """Sign in through /accounts/login/ as a person does: the two labelled fields and the 登录 button."""
    page.goto(url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
