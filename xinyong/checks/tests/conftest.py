"""The district of the check-loop scenarios (000 §17–§20), as a fixture for the modules that walk them."""

import pytest

from xinyong.testing.checks import COMPANY, REP


@pytest.fixture
def world(api, make_user):
    """A district: the court initiates, finance (procurement) and others implement."""
    tokens = {
        "provider": make_user("provider", department="SCJG", department_name="区市场监督管理局")[1],
        "court": make_user("initiator", "provider", department="FY", department_name="区人民法院")[1],
        "finance": make_user("implementer", department="CZ", department_name="区财政局")[1],
        "development": make_user("implementer", department="FGW", department_name="区发展和改革委员会")[1],
        "office": make_user("credit_office", department="XYB", department_name="区信用办")[1],
        "market_initiator": make_user("initiator", department="SCJG")[1],
    }
    company = {
        "code": COMPANY,
        "name": "九江失信建材有限公司",
        "kind": "legal_person",
        "relations": [
            {"role": "legal_representative", "person": {"id_number": REP, "name": "钱多多"}, "valid_from": "2018-01-01"}
        ],
    }
    assert api.post("/subjects", company, token=tokens["provider"]).status_code == 201
    return tokens
