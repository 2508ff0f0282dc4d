"""`__among`: membership in a long list of values as one JSON parameter, on both databases."""

import pytest

from xinyong.accounts.models import Department


@pytest.mark.django_db
def test_among_finds_exactly_the_listed_values():
    for code, name in (("A1", "甲局"), ("B2", "乙局"), ("C3", "丙局")):
        Department.objects.create(code=code, name=name)
    assert set(Department.objects.filter(code__among=["A1", "C3", "不存在"]).values_list("name", flat=True)) == {
        "甲局",
        "丙局",
    }
    assert not Department.objects.filter(code__among=[]).exists()
    assert Department.objects.filter(code__among={f"X{i}" for i in range(10_000)} | {"B2"}).get().name == "乙局"


@pytest.mark.django_db
def test_among_finds_ids_through_a_foreign_key_without_a_join():
    from django.contrib.auth.models import Permission

    chosen = list(Permission.objects.values_list("content_type_id", flat=True)[:3])
    found = Permission.objects.filter(content_type__pk__among=chosen + [10**12]).order_by()
    assert set(found.values_list("content_type_id", flat=True)) == set(chosen)
    assert "JOIN" not in str(found.query)
