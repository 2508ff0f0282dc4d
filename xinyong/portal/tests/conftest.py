import datetime as dt

import pytest
from django.core.cache import cache
from django.db import transaction

from xinyong.core import clock
from xinyong.demo import data as demo

# A fixed day inside the seeded working-day calendar (2025–2026), so decisions, due dates and
# publication periods do not depend on when the suite runs.
TODAY = dt.date(2025, 6, 30)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Every test client calls from 127.0.0.1: counters must not carry over between tests.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen():
    with clock.frozen_at(dt.datetime(2025, 6, 30, 10, 0)):
        yield TODAY


@pytest.fixture(scope="module")
def _demo_once(django_db_setup, django_db_blocker):
    """The demo, loaded once per module inside a transaction that is rolled back after the module: each
    test runs in a savepoint within it (pytest-django's own transaction nests), so what a test changes is
    undone and the next finds the demo as loaded. Loading it per test cost about a second each."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with clock.frozen_at(dt.datetime(2025, 6, 30, 10, 0)):
                demo.load()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def loaded(_demo_once, db, frozen):
    return frozen
