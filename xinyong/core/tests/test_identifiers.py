"""Tests for xinyong.core.identifiers (USCC and resident ID). Pure Python: no database, no settings."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.identifiers import (
    PLACEHOLDER_USCC,
    REGISTRATION_AUTHORITIES,
    USCC_ALPHABET,
    IdentifierInfo,
    identify,
    may_be_resident_id,
    normalise,
    org_code_check_char,
    parse_resident_id,
    parse_uscc,
    resident_id_check_char,
    uscc_check_char,
)

# Fixed "today" so birth-date rules do not drift with the calendar.
TODAY = date(2025, 6, 30)
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
DIGITS = "0123456789"

# Published codes, each confirmed against the algorithm before being listed here.
REAL_USCCS = {
    "914403001922038216": ("华为技术有限公司", "440300", "广东省", "19220382-1"),
    "9144030071526726XG": ("深圳市腾讯计算机系统有限公司", "440300", "广东省", "71526726-X"),
    "91330100799655058B": ("阿里巴巴（中国）有限公司", "330100", "浙江省", "79965505-8"),
    "91110108551385082Q": ("小米科技有限责任公司", "110108", "北京市", "55138508-2"),
    "91110000802100433B": ("百度在线网络技术（北京）有限公司", "110000", "北京市", "80210043-3"),
}
CENTRAL_BODY_USCC = "11100000000013127D"
GB11643_EXAMPLE = "11010519491231002X"
HUAWEI = "914403001922038216"


# --- strategies -----------------------------------------------------------------------------------

authority_and_entity = st.sampled_from(
    [(authority, entity) for authority, (_, entities) in REGISTRATION_AUTHORITIES.items() for entity in entities]
)
alphabet_chars = st.sampled_from(USCC_ALPHABET)


@st.composite
def valid_usccs(draw) -> str:
    authority, entity = draw(authority_and_entity)
    region = "".join(draw(st.lists(st.sampled_from(DIGITS), min_size=6, max_size=6)))
    org8 = "".join(draw(st.lists(alphabet_chars, min_size=8, max_size=8)))
    first17 = authority + entity + region + org8 + org_code_check_char(org8)
    return first17 + uscc_check_char(first17)


@st.composite
def valid_resident_ids(draw) -> str:
    region = "".join(draw(st.lists(st.sampled_from(DIGITS), min_size=6, max_size=6)))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    sequence = "".join(draw(st.lists(st.sampled_from(DIGITS), min_size=3, max_size=3)))
    first17 = region + born.strftime("%Y%m%d") + sequence
    return first17 + resident_id_check_char(first17)


def substitute(code: str, index: int, char: str) -> str:
    return code[:index] + char + code[index + 1 :]


def full_width(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if char.isascii() and char.isalnum() else char for char in text)


# --- check characters and the detection property ---------------------------------------------------


def test_alphabet_excludes_confusable_letters():
    assert len(USCC_ALPHABET) == 31
    assert not set("IOSVZ") & set(USCC_ALPHABET)


def test_check_char_functions_on_known_values():
    assert uscc_check_char("91440300192203821") == "6"
    assert org_code_check_char("71526726") == "X"
    assert org_code_check_char("00001312") == "7"
    assert resident_id_check_char("11010519491231002") == "X"


@pytest.mark.parametrize(
    ("function", "argument"),
    [
        (uscc_check_char, "9144030019220382"),
        (uscc_check_char, "9144030019220382I"),
        (org_code_check_char, "1922038"),
        (org_code_check_char, "1922038a"),
        (resident_id_check_char, "1101051949123100X"),
    ],
)
def test_check_char_functions_reject_malformed_input(function, argument):
    with pytest.raises(ValueError):
        function(argument)


def test_single_substitution_is_always_caught_by_mod_31_weights():
    # A substitution changes the weighted sum by (new − old)·w with new ≠ old in 1..30. As 31 is prime
    # and no weight is a multiple of 31, that product is never ≡ 0 (mod 31), so the check char changes.
    assert all(31 % divisor for divisor in range(2, 31))
    for weight in USCC_WEIGHTS:
        assert all((delta * weight) % 31 for delta in range(1, 31))


def test_single_substitution_is_always_caught_by_resident_mod_11_weights():
    assert all(11 % divisor for divisor in range(2, 11))
    for weight in RESIDENT_WEIGHTS:
        assert all((delta * weight) % 11 for delta in range(1, 10))


def test_org_code_check_alone_misses_some_substitutions():
    # Why the USCC check is the final word: letters reach value 35, so a difference of 11 ("1" vs "C")
    # leaves the mod-11 org-code check unchanged. The USCC check still catches it.
    assert org_code_check_char("19220382") == org_code_check_char("C9220382")
    assert not parse_uscc(substitute(HUAWEI, 8, "C")).valid


@given(st.lists(alphabet_chars, min_size=17, max_size=17))
def test_any_17_alphabet_chars_with_computed_check_never_fail_the_check_character(chars):
    first17 = "".join(chars)
    info = parse_uscc(first17 + uscc_check_char(first17))
    assert info.error_code != "bad_check_character"
    structure_ok = chars[0] in REGISTRATION_AUTHORITIES and chars[1] in REGISTRATION_AUTHORITIES[chars[0]][1]
    org_ok = org_code_check_char(first17[8:16]) == first17[16]
    assert info.valid == (structure_ok and org_ok)


@given(valid_usccs())
def test_generated_uscc_is_valid_and_round_trips(code):
    info = parse_uscc(code)
    assert info.valid and info.error is None and info.error_code is None
    assert identify(code) == info
    parts = (
        info.registration_authority["code"]
        + info.entity_type["code"]
        + info.region["code"]
        + info.org_code.replace("-", "")
    )
    assert parts + uscc_check_char(parts) == code
    assert parse_uscc(info.code) == info


@given(valid_usccs(), st.integers(0, 17), st.data())
def test_any_single_substitution_in_uscc_is_caught(code, index, data):
    replacement = data.draw(st.sampled_from(USCC_ALPHABET.replace(code[index], "")))
    assert not parse_uscc(substitute(code, index, replacement)).valid


@given(valid_resident_ids())
def test_generated_resident_id_is_valid_and_round_trips(code):
    info = parse_resident_id(code, today=TODAY)
    assert info.valid and info.error is None
    assert info.birth_date.strftime("%Y%m%d") == code[6:14]
    assert info.region["code"] == code[:6]
    assert info.sex == ("male" if int(code[16]) % 2 else "female")
    assert identify(code, today=TODAY) == info


@given(valid_resident_ids(), st.integers(0, 17), st.data())
def test_any_single_substitution_in_resident_id_is_caught(code, index, data):
    allowed = DIGITS + "X" if index == 17 else DIGITS
    replacement = data.draw(st.sampled_from(allowed.replace(code[index], "")))
    assert not parse_resident_id(substitute(code, index, replacement), today=TODAY).valid


@given(
    st.one_of(
        valid_resident_ids(),
        valid_usccs(),
        st.text(DIGITS, min_size=17, max_size=17).map(lambda d: d + resident_id_check_char(d)),
        st.text(DIGITS + "X", min_size=16, max_size=19),
    )
)
def test_may_be_resident_id_is_exactly_a_valid_resident_id(code):
    # The batch check's shortcut must agree with the full parse on every code, or it answers for the
    # wrong subject.
    assert may_be_resident_id(code, today=TODAY) == parse_resident_id(code, today=TODAY).valid


# --- normalisation ---------------------------------------------------------------------------------


@given(st.text())
def test_normalise_is_idempotent(text):
    assert normalise(normalise(text)) == normalise(text)


@given(st.one_of(valid_usccs(), valid_resident_ids()), st.data())
def test_full_width_lower_case_and_padded_variants_identify_identically(code, data):
    spaces = st.sampled_from([" ", "\u3000", "\t", "\u00a0", "\n"])
    padding = "".join(data.draw(st.lists(spaces, max_size=3)))
    inner = data.draw(st.integers(0, len(code)))
    variant = code[:inner] + data.draw(spaces) + code[inner:]
    variant = data.draw(st.sampled_from([full_width, str.lower, lambda text: text]))(variant)
    assert identify(padding + variant + padding, today=TODAY) == identify(code, today=TODAY)


def test_normalise_specifics():
    assert normalise("  ９１４４０３００１９２２０３８２１６\u3000") == HUAWEI
    assert normalise("9144 0300 1922 0382 16") == HUAWEI
    assert normalise("ｘ") == "X"
    assert normalise("19220382-1") == "19220382-1"  # hyphens are kept and reported
    assert normalise("\ufeff9144030019220382\u200b16") == HUAWEI  # invisible characters from copy-paste


# --- real published codes --------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "expected"), REAL_USCCS.items(), ids=[v[0] for v in REAL_USCCS.values()])
def test_real_enterprise_codes(code, expected):
    _, region, province, org_code = expected
    info = identify(code)
    assert info.valid and info.type == "uscc"
    assert info.registration_authority == {"code": "9", "name": "工商"}
    assert info.entity_type == {"code": "1", "name": "企业"}
    assert info.region == {"code": region, "province": province}
    assert info.org_code == org_code


def test_real_central_government_body_code():
    info = identify(CENTRAL_BODY_USCC)
    assert info.valid
    assert info.registration_authority == {"code": "1", "name": "机构编制"}
    assert info.entity_type == {"code": "1", "name": "机关"}
    assert info.region == {"code": "100000", "province": "国家"}
    assert info.org_code == "00001312-7"


def test_gb11643_example_resident_id():
    info = identify(GB11643_EXAMPLE, today=TODAY)
    assert info.valid and info.type == "resident_id"
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "female"
    assert info.region == {"code": "110105", "province": "北京市"}
    assert info.as_api() == {
        "code": GB11643_EXAMPLE,
        "valid": True,
        "type": "resident_id",
        "error": None,
        "error_code": None,
        "position": None,
        "expected_check": None,
        "only_check_failed": False,
        "birth_date": "1949-12-31",
        "sex": "female",
        "region": {"code": "110105", "province": "北京市"},
    }


def test_real_code_with_wrong_last_char_reports_expected_check_and_keeps_parts():
    info = identify("91330100799655058C")
    assert not info.valid and info.type == "uscc"
    assert info.error_code == "bad_check_character"
    assert info.error == "校验码应为“B”，实际为“C”"
    assert info.position == 18 and info.expected_check == "B"
    assert info.only_check_failed
    api = info.as_api()
    assert api["org_code"] == "79965505-8"
    assert api["region"] == {"code": "330100", "province": "浙江省"}
    assert api["registration_authority"] == {"code": "9", "name": "工商"}


# --- every error code, with its exact message -------------------------------------------------------


@pytest.mark.parametrize("raw", ["", "   ", "\u3000\t"])
def test_empty(raw):
    for info in (identify(raw), parse_uscc(raw), parse_resident_id(raw)):
        assert info.error_code == "empty" and info.error == "代码为空"
    assert identify(raw).type is None


def test_wrong_length():
    info = identify(HUAWEI[:17])
    assert info.type is None and info.error_code == "wrong_length"
    assert info.error == "长度应为18位，实际为17位"
    assert info.position is None
    assert identify("91440300-19220382-1-6").error == "长度应为18位，实际为21位"
    assert parse_uscc(HUAWEI + "0").error == "长度应为18位，实际为19位"
    assert parse_resident_id("110105491231002").error == "长度应为18位，实际为15位"


def test_illegal_excluded_letter():
    info = parse_uscc("9144I3001922038216")
    assert info.error_code == "illegal_character" and info.position == 5
    assert info.error == "第5位字符“I”不合法（统一社会信用代码不使用I、O、S、V、Z）"
    assert not info.only_check_failed and info.org_code is None


def test_illegal_other_character_reports_first_offender():
    info = identify("9144030019220382*_")
    assert info.error_code == "illegal_character" and info.position == 17
    assert info.error == "第17位字符“*”不合法（只能使用数字和除I、O、S、V、Z以外的大写英文字母）"


def test_illegal_control_character_is_shown_by_code_point():
    assert parse_uscc("91440300192203821\x07").error == (
        "第18位字符“U+0007”不合法（只能使用数字和除I、O、S、V、Z以外的大写英文字母）"
    )


def test_illegal_character_in_resident_id():
    info = parse_resident_id("1101051949123100AX")
    assert info.error_code == "illegal_character" and info.position == 17
    assert info.error == "第17位字符“A”不合法（前17位应为数字）"
    info = parse_resident_id("11010519491231002Y")
    assert info.position == 18 and info.error == "第18位字符“Y”不合法（校验码应为数字或X）"


def test_unknown_registration_authority():
    info = parse_uscc("B14403001922038216")
    assert info.error_code == "unknown_registration_authority" and info.position == 1
    assert info.error == "第1位登记管理部门代码“B”不存在（应为1、2、3、4、5、6、7、8、9、A、N、Y之一）"
    assert info.registration_authority is None
    assert info.org_code == "19220382-1"  # the rest is still readable


def test_unknown_entity_type():
    info = parse_uscc("944403001922038216")
    assert info.error_code == "unknown_entity_type" and info.position == 2
    assert info.error == "第2位机构类别代码“4”不适用于登记管理部门“工商”（应为1、2、3之一）"
    assert info.registration_authority == {"code": "9", "name": "工商"}
    assert info.entity_type is None
    assert not info.only_check_failed


def test_bad_org_code_check_with_correct_uscc_check_is_only_a_check_failure():
    # Early codes exist whose USCC check was computed over a wrong org-code check character.
    first17 = HUAWEI[:16] + "2"
    info = parse_uscc(first17 + uscc_check_char(first17))
    assert info.error_code == "bad_org_code_check"
    assert info.error == "组织机构代码校验码应为“1”，实际为“2”"
    assert info.position == 17 and info.expected_check == "1"
    assert info.only_check_failed
    assert info.org_code == "19220382-2"


def test_bad_check_character():
    info = parse_uscc("91110108551385082K")
    assert info.error_code == "bad_check_character"
    assert info.error == "校验码应为“Q”，实际为“K”"
    assert info.position == 18 and info.expected_check == "Q" and info.only_check_failed


def test_bad_resident_check_character_keeps_parts():
    info = parse_resident_id("110105194912310021", today=TODAY)
    assert info.error_code == "bad_check_character"
    assert info.error == "校验码应为“X”，实际为“1”"
    assert info.position == 18 and info.expected_check == "X" and info.only_check_failed
    assert info.birth_date == date(1949, 12, 31) and info.sex == "female"


@pytest.mark.parametrize(
    ("birth", "message"),
    [
        ("19990231", "出生日期19990231不是有效日期"),
        ("19991301", "出生日期19991301不是有效日期"),
        ("00000000", "出生日期00000000不是有效日期"),
        ("20250701", "出生日期20250701晚于当前日期20250630"),
        ("18991231", "出生日期18991231早于19000101"),
    ],
)
def test_bad_birth_date(birth, message):
    first17 = "110105" + birth + "002"
    info = parse_resident_id(first17 + resident_id_check_char(first17), today=TODAY)
    assert info.error_code == "bad_birth_date" and info.position == 7
    assert info.error == message
    assert info.birth_date is None and not info.only_check_failed


def test_birth_date_boundaries_are_inclusive():
    for born in (date(1900, 1, 1), TODAY):
        first17 = "110105" + born.strftime("%Y%m%d") + "001"
        assert parse_resident_id(first17 + resident_id_check_char(first17), today=TODAY).valid
    tomorrow = (TODAY + timedelta(days=1)).strftime("%Y%m%d")
    first17 = "110105" + tomorrow + "001"
    assert parse_resident_id(first17 + resident_id_check_char(first17), today=TODAY + timedelta(days=1)).valid


@pytest.mark.parametrize("raw", [PLACEHOLDER_USCC, "00000000000000000x", " " + full_width(PLACEHOLDER_USCC) + "\u3000"])
def test_placeholder(raw):
    for info in (identify(raw), parse_uscc(raw)):
        assert info.is_placeholder and not info.valid and info.type == "uscc"
        assert info.error_code == "placeholder"
        assert "经营者身份证号码和姓名" in info.error
        assert not info.only_check_failed


# --- type detection ---------------------------------------------------------------------------------


def test_identify_prefers_resident_id_errors_for_digits_with_plausible_birth_date():
    info = identify("110105194912310021", today=TODAY)
    assert info.type == "resident_id" and info.error_code == "bad_check_character"


def test_identify_falls_back_to_uscc_errors_without_plausible_birth_date():
    info = identify("110105194902310021", today=TODAY)  # 19490231 is no date
    assert info.type == "uscc" and info.error_code == "bad_org_code_check"


def test_identify_letters_mean_uscc():
    info = identify("9144030019220382A6")
    assert info.type == "uscc" and info.error_code == "bad_org_code_check"


def test_all_digit_valid_uscc_is_identified_as_uscc():
    assert identify(HUAWEI).type == "uscc"  # digits only, but 00192203 is no birth date


def test_as_api_keys_by_type():
    base = {"code", "valid", "type", "error", "error_code", "position", "expected_check", "only_check_failed"}
    assert set(identify("123").as_api()) == base
    assert set(identify(HUAWEI).as_api()) == base | {
        "registration_authority",
        "entity_type",
        "region",
        "org_code",
    }
    assert set(identify(GB11643_EXAMPLE).as_api()) == base | {"birth_date", "sex", "region"}


def test_identifier_info_is_frozen():
    info = identify(HUAWEI)
    assert isinstance(info, IdentifierInfo)
    with pytest.raises(AttributeError):
        info.valid = False
