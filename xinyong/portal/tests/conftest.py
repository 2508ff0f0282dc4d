import datetime as dt

import pytest
from django.core.cache import cache

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


@pytest.fixture
def loaded(db, frozen):
    demo.load()
    return frozen
