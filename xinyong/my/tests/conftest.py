import datetime as dt

import pytest
from django.core.cache import cache

from xinyong.core import clock
from xinyong.testing.my import TODAY, load_companies


@pytest.fixture
def district(db):
    """Two companies with their legal representatives, on a frozen day."""
    with clock.frozen_at(TODAY):
        load_companies()
        cache.clear()
        yield TODAY


@pytest.fixture
def frozen():
    """The browser journeys' day (the live server's thread reads the same clock)."""
    with clock.frozen_at(dt.datetime(2025, 6, 30, 10, 0)):
        yield TODAY
