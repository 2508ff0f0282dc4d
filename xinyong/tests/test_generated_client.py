"""A client generated from /api/v1/openapi.json by openapi-python-client (architecture §4: the document
is the complete list of endpoints with their schemas) installs as it comes and, against a live server
with a real token, parses the answers of the contract's endpoints and an error body into its typed models."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xinyong.core import clock
from xinyong.testing.browser import audit_table_flushable  # noqa: F401
from xinyong.testing.checks import COMPANY, COURT_LIST, REP, TODAY, enter
from xinyong.testing.factories import penalty, uscc
from xinyong.testing.openapi import document

pytestmark = [
    pytest.mark.slow,  # generating and installing the client takes seconds, the server runs in a thread
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("audit_table_flushable"),
]

VENV_BIN = Path(sys.executable).parent
# What the generator cannot type, and says so: an attachment answers with PDF or image bytes (it knows
# JSON, octet-stream and text only). The endpoint is generated all the same; its answer stays raw bytes.
KNOWN_WARNING = "GET /api/v1/dishonesty-reports/{report_id}/attachments/{attachment_id}"


def _run(*command: str, cwd: Path) -> str:
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def client_package(tmp_path_factory):
    """The generated package, installed by pip as generated (no dependencies: httpx and attrs are the
    test environment's) into a folder put on sys.path."""
    work = tmp_path_factory.mktemp("client")
    spec = work / "openapi.json"
    spec.write_text(json.dumps(document(), ensure_ascii=False), encoding="utf-8")
    output = _run(str(VENV_BIN / "openapi-python-client"), "generate", "--path", str(spec), "--meta", "setup", cwd=work)
    warnings = [line for line in output.splitlines() if line.startswith("WARNING")]
    assert all(KNOWN_WARNING in line for line in warnings), output
    project = work / "xinyong-api-client"  # the name comes from the ASCII title
    site = work / "site"
    _run(
        sys.executable,
        *("-m", "pip", "install", "--quiet", "--disable-pip-version-check"),
        *("--no-deps", "--no-build-isolation", "--no-index", "--target", str(site), str(project)),
        cwd=work,
    )
    sys.path.insert(0, str(site))
    try:
        yield __import__("xinyong_api_client")
    finally:
        sys.path.remove(str(site))
        for name in [m for m in sys.modules if m.split(".")[0] == "xinyong_api_client"]:
            del sys.modules[name]


@pytest.fixture
def frozen():
    # The clock is the process's, so the live server's thread sees the day of the scenario too.
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def district(api, make_user, frozen):
    """Tokens of a provider and an implementer; a company the court has listed (000 §17)."""
    provider = make_user("provider", department="SCJG", department_name="区市场监督管理局")[1]
    court = make_user("initiator", "provider", department="FY", department_name="区人民法院")[1]
    implementer = make_user("implementer", department="CZ", department_name="区财政局")[1]
    company = {
        "code": COMPANY,
        "name": "九江失信建材有限公司",
        "kind": "legal_person",
        "relations": [
            {"role": "legal_representative", "person": {"id_number": REP, "name": "钱多多"}, "valid_from": "2018-01-01"}
        ],
    }
    assert api.post("/subjects", company, token=provider).status_code == 201
    assert enter(api, court).status_code == 201
    return {"provider": provider, "implementer": implementer}


def test_a_generated_client_parses_the_contract_answers(client_package, district, live_server):
    from xinyong_api_client import AuthenticatedClient, Client
    from xinyong_api_client.api.checks import get_check, post_check
    from xinyong_api_client.api.identifiers import check_identifier
    from xinyong_api_client.api.records import post_record
    from xinyong_api_client.models import (
        AnsweredMeasureKind,
        CheckAnswer,
        CheckAnswerResult,
        CheckIn,
        ErrorBody,
        IdentifierOut,
        RecordIn,
        RecordInFields,
        StoredOut,
    )

    base = live_server.url  # the document's paths begin with /api/v1/
    with Client(base_url=base) as public:
        identifier = check_identifier.sync(code=COMPANY.lower(), client=public)
    assert isinstance(identifier, IdentifierOut)
    assert (identifier.code, identifier.valid, identifier.type_) == (COMPANY, True, "uscc")

    with AuthenticatedClient(base_url=base, token=district["implementer"]) as implementer:
        answer = post_check.sync_detailed(
            client=implementer, body=CheckIn(subject=COMPANY, matter="government_procurement")
        )
        assert answer.status_code == 200 and isinstance(answer.parsed, CheckAnswer)
        check = answer.parsed
        assert check.result == CheckAnswerResult.RESTRICTED and check.subject.name == "九江失信建材有限公司"
        assert check.measures and {m.source.list_type for m in check.measures} == {COURT_LIST}
        assert all(m.kind == AnsweredMeasureKind.PUNISHMENT for m in check.measures)
        assert check.checked_at.utcoffset() is not None  # an ISO 8601 date-time, parsed

        refused = post_check.sync_detailed(client=implementer, body=CheckIn(subject=COMPANY, matter="no_such_matter"))
        assert refused.status_code == 422 and isinstance(refused.parsed, ErrorBody)
        assert refused.parsed.error.code and refused.parsed.error.message

        missing = get_check.sync_detailed(check_id="C-NONE", client=implementer)
        assert missing.status_code == 404 and isinstance(missing.parsed, ErrorBody)
        assert missing.parsed.error.code == "check_not_found"

    with AuthenticatedClient(base_url=base, token=district["provider"]) as provider:
        row = penalty(7, CF_XDR_SHXYM=uscc(7))
        stored = post_record.sync_detailed(
            client=provider, body=RecordIn(category="admin_penalty", fields=RecordInFields.from_dict(row))
        )
    assert stored.status_code == 201 and isinstance(stored.parsed, StoredOut)
    assert stored.parsed.category == "admin_penalty" and stored.parsed.decision_number == row["CF_WSH"]
    assert stored.parsed.subject.code == uscc(7) and stored.parsed.publish_due
