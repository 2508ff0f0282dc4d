import pytest

from xinyong.core.errors import InvalidInput
from xinyong.core.lengths import abbreviate, column_length, within
from xinyong.lists.models import ListEntry


def test_within_refuses_text_longer_than_its_column_naming_it_in_chinese():
    assert column_length(ListEntry, "end_reason") == 500
    assert within("理" * 500, ListEntry, "end_reason") == "理" * 500
    with pytest.raises(InvalidInput) as refused:
        within("理" * 501, ListEntry, "end_reason", field="reason")
    assert refused.value.status == 422 and refused.value.code == "too_long"
    assert refused.value.message == "结束原因过长：最多500个字符，实际501个"
    assert refused.value.details == [{"field": "reason", "max_length": 500, "length": 501}]


def test_a_composed_note_is_shortened_visibly():
    assert abbreviate("短", 5) == "短"
    shortened = abbreviate("异议#1成立：" + "理" * 600, 500)
    assert len(shortened) == 500 and shortened.endswith("…") and shortened.startswith("异议#1成立：")


def test_a_column_without_a_length_is_a_programming_error():
    with pytest.raises(ValueError):
        column_length(ListEntry, "reason")  # a TextField
