import datetime as dt
import random

from xinyong.checks import signing

NOW = dt.datetime(2025, 6, 9, 14, 0)


def test_check_numbers_stay_unique_when_a_library_seeds_the_global_generator():
    # Hypothesis seeds `random` for every example; a number drawn from it would repeat and its check could
    # not be stored (a 500 the API fuzz found).
    random.seed(0)
    first = signing.check_number(NOW)
    random.seed(0)
    second = signing.check_number(NOW)
    assert first != second
    assert first.startswith("HC20250609") and len(first) == len("HC20250609") + 20
