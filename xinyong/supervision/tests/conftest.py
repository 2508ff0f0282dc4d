"""A district for the supervision scenarios: market supervision (provides, initiates, implements, inspects),
the credit office, finance (implements), a company with its own account, a bank and an association."""

import pytest

from xinyong.core import clock
from xinyong.supervision import extensions
from xinyong.testing.supervision import COMPANY, COMPANY_NAME, TODAY, register, subject_account


@pytest.fixture(autouse=True)
def frozen():
    extensions.clear_cache()  # a test may change grade levels or industry kinds; rollbacks send no signal
    with clock.frozen_at(TODAY):
        yield


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
