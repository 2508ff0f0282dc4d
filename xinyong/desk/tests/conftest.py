import datetime as dt

import pytest
from django.core.cache import cache

from xinyong.core import clock

TODAY = dt.date(2025, 6, 30)


@pytest.fixture
def frozen():
    with clock.frozen_at(dt.datetime(2025, 6, 30, 10, 0)):
        yield TODAY


@pytest.fixture
def staff(make_user, client):
    """staff("implementer", department="SCJG") → a test client signed in as a new user with those roles."""

    def sign_in(*roles: str, department: str = "D001"):
        user, _ = make_user(*roles, department=department)
        client.force_login(user)
        cache.clear()
        return client, user

    return sign_in
