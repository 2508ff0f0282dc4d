"""A district for the supervision scenarios: market supervision (provides, initiates, implements, inspects),
the credit office, finance (implements), a company with its own account, a bank and an association."""

import datetime as dt

import pytest

from xinyong.accounts.models import User
from xinyong.core import clock
from xinyong.records.tests.factories import penalty, uscc
from xinyong.subjects.models import Subject
from xinyong.supervision import extensions

TODAY = dt.date(2025, 6, 3)  # a Tuesday
COMPANY = uscc(701)
COMPANY_NAME = "九江守信建材有限公司"


@pytest.fixture(autouse=True)
def frozen():
    extensions.clear_cache()  # a test may change grade levels or industry kinds; rollbacks send no signal
    with clock.frozen_at(TODAY):
        yield


def register(api, token, code, name, kind="legal_person"):
    response = api.post("/subjects", {"code": code, "name": name, "kind": kind}, token=token)
    assert response.status_code in (200, 201), response.content
    return response.json()


def subject_account(make_user, code, department="QY"):
    user, token = make_user("subject", department=department)
    User.objects.filter(pk=user.pk).update(subject=Subject.objects.get(key=code), department=None)
    return token


def post_penalty(api, token, serial=701, **overrides):
    body = {"category": "admin_penalty", "fields": penalty(serial, **overrides)}
    response = api.post("/records", body, token=token)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def world(api, make_user):
    tokens = {
        "market": make_user("provider", "initiator", "implementer", department="SCJG", department_name="区市场监管局")[
            1
        ],
        "office": make_user("credit_office", department="XYB", department_name="区信用办")[1],
        "finance": make_user("implementer", department="CZ", department_name="区财政局")[1],
        "housing": make_user("provider", "implementer", department="ZJ", department_name="区住建局")[1],
        "auditor": make_user("auditor", department="SJ", department_name="区审计局")[1],
    }
    register(api, tokens["market"], COMPANY, COMPANY_NAME)
    tokens["company"] = subject_account(make_user, COMPANY)
    return tokens
