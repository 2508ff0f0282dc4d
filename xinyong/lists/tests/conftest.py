# The district of the check-loop scenarios: one world for the list and the check tests.
from xinyong.checks.tests.conftest import world  # noqa: F401
