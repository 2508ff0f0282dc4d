"""Least privilege through the pages (R29), as the API's matrix (xinyong/tests/test_permission_matrix.py):

0. a page and the API operation doing the same thing admit the same roles (one rule, not two copies);
1. every workbench URL × every role, GET and POST: the roles admitted are read from the view's own
   `desk_page` role set (the set the API endpoint uses), so a page that forgets `desk_page` fails here
   instead of going out open; the others, a subject's account and a user with no role get the Chinese
   无权访问 page;
2. one department's list entry, checks, pushed task and API token, tried by another department through
   the pages — and, where the API has the same operation, through the API: refused on both, nothing
   changed.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.urls.converters import IntConverter

from xinyong.accounts.auth import RoleAuth
from xinyong.accounts.models import ApiToken, User
from xinyong.accounts.roles import OVERSEERS, ROLE_NAMES, SUBJECT
from xinyong.api import api as ninja_api
from xinyong.checks.models import Check, Feedback
from xinyong.checks.tests import conftest as district
from xinyong.core import clock
from xinyong.desk import urls as desk_urls
from xinyong.desk.access import NOT_STAFF
from xinyong.lists.models import ListEntry
from xinyong.notices.models import Task

world = district.world  # the court (FY) initiates; finance (CZ) and development (FGW) implement
ALL_ROLES = sorted(ROLE_NAMES)
STAFF_ROLES = set(ALL_ROLES) - {SUBJECT}  # `desk_page()` with no roles: any department role


def _pages(patterns) -> list:
    """Every URL pattern, those of included modules (信用监管's) too."""
    return [leaf for p in patterns for leaf in (_pages(p.url_patterns) if hasattr(p, "url_patterns") else [p])]


PAGES = [(p.name, p) for p in _pages(desk_urls.urlpatterns)]


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen_at(dt.datetime(2025, 6, 2, 10, 0)):
        yield


# desk URL name → the API operation that does the same (method, path).
API_TWINS = {
    "entry_new": ("POST", "/list-entries"),
    "entry_revoke": ("POST", "/list-entries/{entry_id}/revoke"),
    "checks": ("POST", "/checks"),
    "check_batch": ("POST", "/checks/batch"),
    "check": ("GET", "/checks/{check_id}"),
    "check_feedback": ("POST", "/checks/{check_id}/feedback"),
    "tasks": ("GET", "/tasks"),
    "close_task": ("POST", "/tasks/{task_id}/close"),
    "statistics": ("GET", "/statistics/departments"),
    "statistics_rows": ("GET", "/statistics/departments"),
}


def _api_roles(method: str, path: str) -> set[str]:
    for _prefix, router in ninja_api._routers:
        for operation in getattr(router.path_operations.get(path), "operations", ()):
            if method in operation.methods:
                return set().union(*(a.roles for a in operation.auth_callbacks if isinstance(a, RoleAuth)))
    raise AssertionError(f"no {method} {path} in the API")


@pytest.mark.parametrize("name", sorted(API_TWINS))
def test_a_page_admits_the_roles_its_api_twin_admits(name):
    view = next(p.callback for n, p in PAGES if n == name)
    assert set(view.roles) == _api_roles(*API_TWINS[name]), name


def test_an_entrys_page_is_narrower_than_the_api_on_purpose():
    """GET /list-entries/{id} also admits implementers; the page (roster, loop, feedback) is the initiating
    department's and the overseers' only — an implementer hears of entries through its tasks."""
    view = next(p.callback for n, p in PAGES if n == "entry")
    assert set(view.roles) == _api_roles("GET", "/list-entries/{entry_id}") - {"implementer"}
    assert set(view.roles) == OVERSEERS | {"initiator"}


def _url(pattern) -> str:
    """The page's URL for an object that does not exist (what the role check must not depend on)."""
    converters = pattern.pattern.converters
    values = {name: 999999 if isinstance(c, IntConverter) else "nonexistent" for name, c in converters.items()}
    return reverse(f"desk:{pattern.name}", kwargs=values)


def _refused_in_chinese(response) -> str:
    html = response.content.decode()
    assert response.status_code == 403, response.status_code
    assert "<h1>无权访问</h1>" in html and "Forbidden" not in html
    return html


@pytest.mark.parametrize(("name", "pattern"), PAGES, ids=[name for name, _ in PAGES])
def test_every_workbench_page_admits_exactly_its_role_set(name, pattern, client, make_user):
    view = pattern.callback
    assert hasattr(view, "roles"), f"desk:{name} is not a desk_page: it would be open to anyone signed in"
    allowed = set(view.roles) or STAFF_ROLES
    assert allowed <= set(ALL_ROLES), f"desk:{name} asks for a role nobody names"
    url = _url(pattern)
    wanted = "该页面需要以下角色之一：" + "、".join(ROLE_NAMES[code] for code in sorted(allowed))

    for method in ("get", "post"):
        signed_out = getattr(client, method)(url)
        assert signed_out.status_code == 302 and signed_out["Location"].startswith("/accounts/login/?next=")

    nobody, _ = make_user()
    client.force_login(nobody)
    for method in ("get", "post"):
        assert NOT_STAFF in _refused_in_chinese(getattr(client, method)(url))

    for role in ALL_ROLES:
        user, _ = make_user(role)
        client.force_login(user)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if role in allowed:
                assert response.status_code != 403, f"{role} refused at {method.upper()} {url}"
                assert response.status_code < 500, f"{role}: {response.status_code} at {method.upper()} {url}"
            elif role == SUBJECT:
                assert NOT_STAFF in _refused_in_chinese(response)
            else:  # told which roles the page needs, in Chinese
                assert wanted in _refused_in_chinese(response), f"{role} at {method.upper()} {url}"


# ---- one department's work, tried by another ---------------------------------------------------------


@pytest.fixture
def court_entry(world, api):
    """The court's entry for the company, finance's check of it for 政府采购, and the task it was pushed."""
    body = {
        "list_type": "black_court_defaulter",
        "subject": district.COMPANY,
        "document_number": "（2025）赣0404执500号",
        "basis": "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条",
        "decided_on": "2025-05-20",
    }
    created = api.post("/list-entries", body, token=world["court"])
    assert created.status_code == 201, created.json()
    procurement = {"subject": district.COMPANY, "matter": "government_procurement"}
    checked = api.post("/checks", procurement, token=world["finance"])
    assert checked.status_code == 200, checked.json()
    entry = ListEntry.objects.get(pk=created.json()["id"])
    task = Task.objects.get(entry=entry, department__code="CZ")
    return entry, Check.objects.get(number=checked.json()["check_id"]), task


def _as(client, department: str, role: str):
    client.force_login(User.objects.filter(department__code=department, roles__code=role).first())
    return client


def _unchanged(entry, check, task):
    entry.refresh_from_db()
    task.refresh_from_db()
    assert entry.status == ListEntry.Status.ACTIVE and task.status == Task.Status.OPEN
    assert not Feedback.objects.filter(check_record=check).exists()


def test_another_initiator_neither_sees_nor_ends_the_courts_entry(court_entry, client, api, world):
    entry, check, task = court_entry
    market = _as(client, "SCJG", "initiator")  # an initiator, of another department
    assert f"/desk/entries/{entry.pk}/" not in market.get("/desk/entries/").content.decode()
    for method, url, data in (
        ("get", f"/desk/entries/{entry.pk}/", {}),
        ("post", f"/desk/entries/{entry.pk}/revoke/", {"revoke-reason": "越权撤销"}),
        ("post", f"/desk/entries/{entry.pk}/exit/", {"exit-reason": "越权移出", "exit-conditions": "x"}),
    ):
        response = getattr(market, method)(url, data)
        assert response.status_code == 404 and "名单条目不存在" in response.content.decode(), url
    # The API refuses the revocation too (the same service decides).
    through_api = api.post(f"/list-entries/{entry.pk}/revoke", {"reason": "越权撤销"}, token=world["market_initiator"])
    assert through_api.status_code in (403, 404)
    _unchanged(entry, check, task)


def test_another_implementer_neither_reads_nor_feeds_back_finances_check(court_entry, client, api, world):
    entry, check, task = court_entry
    development = _as(client, "FGW", "implementer")
    page = f"/desk/checks/{check.number}/"
    assert development.get(page).status_code == 403
    assert development.post(page + "feedback/", {"applied_0": "yes"}).status_code == 403
    assert check.number not in development.get("/desk/").content.decode()  # not owed by this department
    assert api.get(f"/checks/{check.number}", token=world["development"]).status_code == 403
    feedback = {"measure": "court_restrict_procurement", "applied": True}
    assert api.post(f"/checks/{check.number}/feedback", feedback, token=world["development"]).status_code == 403
    _unchanged(entry, check, task)


def test_another_department_neither_sees_nor_closes_finances_task(court_entry, client, api, world):
    entry, check, task = court_entry
    development = _as(client, "FGW", "implementer")
    assert f'id="task-{task.pk}"' not in development.get("/desk/tasks/").content.decode()
    for state in ("open", "overdue", "done"):
        assert f'id="task-{task.pk}"' not in development.get(f"/desk/tasks/?state={state}").content.decode()
    response = development.post(f"/desk/tasks/{task.pk}/close", {"note": "越权处理"})
    assert response.status_code == 404 and "任务不存在" in response.content.decode()
    assert api.post(f"/tasks/{task.pk}/close", {"note": "越权处理"}, token=world["development"]).status_code == 404
    _unchanged(entry, check, task)
    finance = _as(client, "CZ", "implementer")
    assert f'id="task-{task.pk}"' in finance.get("/desk/tasks/").content.decode()  # the task is there to see


def test_another_departments_administrator_neither_sees_nor_revokes_a_token(world, client, make_user):
    holder = User.objects.get(department__code="CZ")
    token = ApiToken.objects.get(user=holder)
    admin, _ = make_user("department_admin", department="FGW")
    client.force_login(admin)
    assert token.prefix not in client.get("/desk/tokens/").content.decode()
    response = client.post(f"/desk/tokens/{token.prefix}/revoke")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_only_overseers_read_a_departments_statistics_rows(court_entry, client):
    rows = "/desk/statistics/CZ/pushed/?start=2025-06-01&end=2025-06-30"
    for department, role in (("FGW", "implementer"), ("FY", "initiator"), ("CZ", "implementer")):
        _refused_in_chinese(_as(client, department, role).get(rows))  # not even its own: the overview is theirs
    office = _as(client, "XYB", "credit_office")
    assert "共 1 项" in office.get(rows).content.decode()
