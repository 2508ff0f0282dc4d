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
