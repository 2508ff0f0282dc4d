"""Property-based attack on the whole API from its own OpenAPI schema (schemathesis): whatever the
input, no endpoint answers with a server error. Bad input must get a clear 4xx (architecture §4)."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from xinyong.accounts.auth import ROLE_NAMES

pytestmark = pytest.mark.slow  # some hundred generated requests


# Generating the schema touches no database, so it can be loaded when the module is collected.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def keep_test_connection():
    """Requests go straight into the WSGI app, not through Django's test client, so do what the test client
    does: keep the request signals from closing the connection that holds the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def strong_token(make_user):
    """Every role at once, so requests get past authentication and exercise the handlers."""
    return make_user(*sorted(ROLE_NAMES), department="FUZZ")[1]


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@pytest.mark.django_db
def test_no_server_error_for_any_input(case, strong_token, keep_test_connection):
    case.call_and_validate(headers={"Authorization": f"Bearer {strong_token}"}, checks=[not_a_server_error])
