"""Least privilege, as a matrix of role × endpoint over every operation of the API (R29).

The expected roles are read from each operation's RoleAuth, and public endpoints must be listed
here by name: a new endpoint that forgets its auth fails this test instead of going out open.
"""

import re

import pytest

from xinyong.accounts.auth import ROLE_NAMES, RoleAuth
from xinyong.api import api as ninja_api

PUBLIC = {
    ("GET", "/identifiers/{code}"),
    ("GET", "/categories"),
    ("GET", "/repair-conditions"),
    ("GET", "/clean-record-list"),
    ("GET", "/agencies"),
    ("GET", "/third-party-reports/verify"),
    ("GET", "/subjects"),
    ("GET", "/subjects/{code}"),
    ("GET", "/list-types"),
    ("GET", "/measures"),
    ("GET", "/matters"),
    ("GET", "/legal-bases"),
    # Portal (R23–R25): rate-limited per client address instead of authenticated.
    ("GET", "/suggestions"),
    ("GET", "/reports/{code}"),
    ("GET", "/reports/verify/{number}"),
    ("POST", "/dishonesty-reports"),
    ("GET", "/dishonesty-reports/track/{number}"),
    # Supervision (R17, R18): commitment templates are published (002 §1); the scoring model is transparent.
    ("GET", "/commitment-templates"),
    ("GET", "/scoring-model"),
}
# Every role the platform names: a role left out here could reach an endpoint unseen.
ALL_ROLES = sorted(ROLE_NAMES)
SAMPLE_PATH_VALUE = "91360404360400019X"


def _operations():
    for _prefix, router in ninja_api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield method, path, operation


OPERATIONS = sorted(((m, p, op) for m, p, op in _operations()), key=lambda t: (t[1], t[0]))


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", SAMPLE_PATH_VALUE, path)


def test_every_endpoint_is_either_public_by_name_or_role_protected():
    for method, path, operation in OPERATIONS:
        auths = operation.auth_callbacks
        if (method, path) in PUBLIC:
            assert auths == [], f"{method} {path} is listed public but has auth"
        else:
            assert auths and all(isinstance(a, RoleAuth) for a in auths), f"{method} {path} has no role auth"


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [t for t in OPERATIONS if (t[0], t[1]) not in PUBLIC],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_protected_endpoint_by_role(method, path, operation, api, make_user):
    allowed = set().union(*(a.roles for a in operation.auth_callbacks)) or set(ALL_ROLES)
    assert allowed <= set(ALL_ROLES), f"{method} {path} asks for a role nobody names"
    url = _concrete(path)

    assert api.request(method, url).status_code == 401
    assert api.request(method, url, token="xy_bogus_token").status_code == 401

    for role in ALL_ROLES:
        _, token = make_user(role)
        response = api.request(method, url, token=token, body={})
        if role in allowed:
            assert response.status_code not in (401, 403), f"{role} refused at {method} {path}"
        else:
            assert response.status_code == 403, f"{role} reached {method} {path}"
            assert response.json()["error"]["code"] == "forbidden_role"


@pytest.mark.parametrize(("method", "path"), sorted(PUBLIC))
def test_public_endpoint_needs_no_token(method, path, api, db):
    response = api.request(method, _concrete(path))
    assert response.status_code not in (401, 403)
