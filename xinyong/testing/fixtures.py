"""The fixtures every test module may ask for (loaded by the root conftest through `pytest_plugins`):
a JSON API client, users with roles and tokens, and caches cleared between tests."""

import json

import pytest
from django.conf import settings
from django.test import Client

from xinyong.accounts import services as accounts
from xinyong.audit.services import SYSTEM
from xinyong.checks import engine
from xinyong.core import calendar
from xinyong.integrity.services import forget_requirements
from xinyong.testing import openapi


class ApiClient:
    """Calls /api/v1/ like an outside system does: JSON bodies, bearer tokens."""

    def __init__(self):
        self.client = Client()

    def _headers(self, token: str | None) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path: str, token: str | None = None, **params):
        return _declared("GET", path, self.client.get(f"/api/v1{path}", params, **self._headers(token)))

    def post(self, path: str, body=None, token: str | None = None):
        data = json.dumps(body if body is not None else {}, ensure_ascii=False)
        response = self.client.post(f"/api/v1{path}", data, content_type="application/json", **self._headers(token))
        return _declared("POST", path, response)

    def request(self, method: str, path: str, token: str | None = None, body=None):
        if method == "GET":
            return self.get(path, token)
        return self.post(path, body, token)


def _declared(method: str, path: str, response):
    """Every answer the tests get is one the OpenAPI document declares for its operation."""
    problem = openapi.undeclared_status(method, f"/api/v1{path}", response.status_code)
    assert problem is None, problem
    return response


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # Transactional tests truncate tables without signals; the calendar cache must not outlive them.
    calendar.clear_cache()
    engine.SNAPSHOT.reset()
    forget_requirements()
    accounts.forget_tokens()


@pytest.fixture
def api():
    return ApiClient()


@pytest.fixture
def make_user(db):
    """make_user("provider", department="SCJG") → (user, token)."""
    counter = {"n": 0}

    def factory(*roles: str, department: str = "D001", department_name: str | None = None):
        counter["n"] += 1
        dept = accounts.upsert_department(actor=SYSTEM, code=department, name=department_name or f"部门{department}")
        user = accounts.create_user(
            actor=SYSTEM,
            # At most 64 characters: the audit trail's object id (the counter keeps it unique).
            username=f"u{counter['n']}-{'-'.join(roles) or 'none'}"[:64],
            department=dept,
            roles=list(roles),
        )
        _, token = accounts.create_token(actor=SYSTEM, user=user)
        return user, token

    return factory


def pytest_collection_modifyitems(config, items):
    """Tests on a live server drive a browser: marked `browser` and `slow` without being told. A test
    marked `postgres_only` (or `sqlite_only`) is skipped on the other database, where it would assert
    nothing."""
    on_postgresql = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    wrong_database = "sqlite_only" if on_postgresql else "postgres_only"
    skip = pytest.mark.skip(reason=f"{wrong_database}: means nothing on this database")
    for item in items:
        if "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.slow)
        if wrong_database in item.keywords:
            item.add_marker(skip)
