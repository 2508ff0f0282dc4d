"""Validation and parsing of Chinese identifiers.

* 统一社会信用代码 (USCC, GB 32100-2015), with its embedded organisation code (GB 11714);
* 公民身份号码 (resident ID, GB 11643-1999).

Pure Python on purpose: the importer, the API and management commands all call it, and it must stay
usable (and testable) without Django settings. Error messages are Chinese because they reach department
staff unchanged; `error_code` is the stable, machine-readable part.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PLACEHOLDER_USCC = "00000000000000000X"
CODE_LENGTH = 18

_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUES = {char: value for value, char in enumerate(USCC_ALPHABET)}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _weighted(alphabet: str, values: list[int], weights: tuple[int, ...]) -> tuple[dict[str, int], ...]:
    """Per position, each character's value times that position's weight: a check sum is then one
    dictionary look-up per character (imports compute several per row)."""
    return tuple({char: value * weight for char, value in zip(alphabet, values, strict=True)} for weight in weights)


_USCC_WEIGHTED = _weighted(USCC_ALPHABET, list(_USCC_VALUES.values()), _USCC_WEIGHTS)
# int(char, 36) is GB 11714's value table: digits as themselves, A=10 … Z=35.
_ORG_WEIGHTED = _weighted(_ORG_ALPHABET, [int(char, 36) for char in _ORG_ALPHABET], _ORG_WEIGHTS)
_RESIDENT_WEIGHTED = _weighted("0123456789", list(range(10)), _RESIDENT_WEIGHTS)
_RESIDENT_CHECK_CHARS = "10X98765432"
_DIGITS = frozenset("0123456789")
_EXCLUDED_LETTERS = "IOSVZ"
_MIN_BIRTH_DATE = date(1900, 1, 1)
_BIRTH_CENTURIES = ("19", "20")  # from _MIN_BIRTH_DATE to today
# Spelled out instead of \d: after NFKC, \d would still accept e.g. Arabic-Indic digits.
_RESIDENT_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
# Invisible format characters that survive NFKC and str.split(); they arrive with copy-paste from web
# pages and Excel cells and would otherwise show up as an "illegal character" nobody can see.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))

# 登记管理部门代码 → (name, {机构类别代码: name}), GB 32100-2015 appendix A.
REGISTRATION_AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {
            "1": "外国旅游部门常驻代表机构",
            "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
            "9": "其他",
        },
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}

PROVINCES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
}
# Only USCCs use "10"/"100000": organisations registered centrally, not in any province.
_NATIONAL_PREFIX = "10"
_NATIONAL_NAME = "国家"


@dataclass(frozen=True)
class IdentifierInfo:
    code: str
    type: str | None
    valid: bool
    error: str | None = None
    error_code: str | None = None
    position: int | None = None
    expected_check: str | None = None
    only_check_failed: bool = False
    is_placeholder: bool = False
    registration_authority: dict | None = None
    entity_type: dict | None = None
    region: dict | None = None
    org_code: str | None = None
    birth_date: date | None = None
    sex: str | None = None

    def as_api(self) -> dict:
        body = {
            "code": self.code,
            "valid": self.valid,
            "type": self.type,
            "error": self.error,
            "error_code": self.error_code,
            "position": self.position,
            "expected_check": self.expected_check,
            "only_check_failed": self.only_check_failed,
        }
        if self.type == "uscc":
            body["registration_authority"] = self.registration_authority
            body["entity_type"] = self.entity_type
            body["region"] = self.region
            body["org_code"] = self.org_code
        elif self.type == "resident_id":
            body["birth_date"] = self.birth_date.isoformat() if self.birth_date else None
            body["sex"] = self.sex
            body["region"] = self.region
        return body


# --- normalisation and check characters ---------------------------------------------------------


def normalise(raw: str) -> str:
    """NFKC (full-width → half-width), drop all whitespace, upper-case. Hyphens are kept on purpose:
    "19220382-1" pasted into a USCC field must be reported, not silently glued into something else."""
    if raw.isascii() and raw.isalnum() and raw.upper() == raw:
        return raw  # the common case, already normal: NFKC leaves ASCII letters and digits as they are
    text = raw
    # Upper-casing can produce characters NFKC would rewrite again; iterate so normalise is idempotent.
    for _ in range(4):
        step = unicodedata.normalize("NFKC", text).upper().translate(_INVISIBLE)
        step = "".join(step.split())
        if step == text:
            break
        text = step
    return text


def uscc_check_char(first17: str) -> str:
    # strip() leaves nothing exactly when every character is in the alphabet.
    if len(first17) != 17 or first17.strip(USCC_ALPHABET):
        raise ValueError(f"expected 17 characters from {USCC_ALPHABET}, got {first17!r}")
    total = sum(map(dict.__getitem__, _USCC_WEIGHTED, first17))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    if len(first8) != 8 or first8.strip(_ORG_ALPHABET):
        raise ValueError(f"expected 8 digits or upper-case letters, got {first8!r}")
    total = sum(map(dict.__getitem__, _ORG_WEIGHTED, first8))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def resident_id_check_char(first17: str) -> str:
    if len(first17) != 17 or first17.strip("0123456789"):
        raise ValueError(f"expected 17 digits, got {first17!r}")
    total = sum(map(dict.__getitem__, _RESIDENT_WEIGHTED, first17))
    return _RESIDENT_CHECK_CHARS[total % 11]


# --- shared failure helpers -----------------------------------------------------------------------


def _failure(error_code: str, message: str, position: int | None = None, expected: str | None = None) -> dict:
    """Fields of a failed IdentifierInfo. Check-character failures are the only ones an importer may
    accept as "unverified", so `only_check_failed` is derived here rather than set by each caller."""
    return {
        "error_code": error_code,
        "error": message,
        "position": position,
        "expected_check": expected,
        "only_check_failed": error_code in ("bad_check_character", "bad_org_code_check"),
    }


def _empty_failure(code: str) -> dict | None:
    return None if code else _failure("empty", "代码为空")


def _length_failure(code: str) -> dict | None:
    if len(code) == CODE_LENGTH:
        return None
    return _failure("wrong_length", f"长度应为{CODE_LENGTH}位，实际为{len(code)}位")


def _shown(char: str) -> str:
    # Control characters would be invisible inside “…”, so show their code point instead.
    return char if char.isprintable() else f"U+{ord(char):04X}"


def _province(region_code: str, national_allowed: bool) -> str | None:
    prefix = region_code[:2]
    if national_allowed and prefix == _NATIONAL_PREFIX:
        return _NATIONAL_NAME
    return PROVINCES.get(prefix)


# --- USCC -----------------------------------------------------------------------------------------


def _uscc_character_failure(code: str) -> dict | None:
    if not code.strip(USCC_ALPHABET):
        return None
    for position, char in enumerate(code, start=1):
        if char in _USCC_VALUES:
            continue
        if char in _EXCLUDED_LETTERS:
            reason = "统一社会信用代码不使用I、O、S、V、Z"
        else:
            reason = "只能使用数字和除I、O、S、V、Z以外的大写英文字母"
        return _failure("illegal_character", f"第{position}位字符“{_shown(char)}”不合法（{reason}）", position)
    return None


def _uscc_structure_failure(code: str) -> dict | None:
    authority = REGISTRATION_AUTHORITIES.get(code[0])
    if authority is None:
        known = "、".join(REGISTRATION_AUTHORITIES)
        return _failure(
            "unknown_registration_authority", f"第1位登记管理部门代码“{code[0]}”不存在（应为{known}之一）", 1
        )
    name, entity_types = authority
    if code[1] not in entity_types:
        known = "、".join(entity_types)
        message = f"第2位机构类别代码“{code[1]}”不适用于登记管理部门“{name}”（应为{known}之一）"
        return _failure("unknown_entity_type", message, 2)
    return None


def _org_code_failure(code: str) -> dict | None:
    expected, actual = org_code_check_char(code[8:16]), code[16]
    if expected == actual:
        return None
    return _failure("bad_org_code_check", f"组织机构代码校验码应为“{expected}”，实际为“{actual}”", 17, expected)


def _uscc_check_failure(code: str) -> dict | None:
    expected, actual = uscc_check_char(code[:17]), code[17]
    if expected == actual:
        return None
    return _failure("bad_check_character", f"校验码应为“{expected}”，实际为“{actual}”", 18, expected)


def _uscc_parts(code: str) -> dict:
    """Parsed parts of a well-formed (right length and alphabet) code; unknown authority or entity
    type stays None so the remaining parts can still be shown next to the error."""
    authority_name, entity_types = REGISTRATION_AUTHORITIES.get(code[0], (None, {}))
    entity_name = entity_types.get(code[1])
    return {
        "registration_authority": {"code": code[0], "name": authority_name} if authority_name else None,
        "entity_type": {"code": code[1], "name": entity_name} if entity_name else None,
        "region": {"code": code[2:8], "province": _province(code[2:8], national_allowed=True)},
        "org_code": f"{code[8:16]}-{code[16]}",
    }


def _placeholder_info(code: str) -> IdentifierInfo:
    message = f"“{PLACEHOLDER_USCC}”是无统一社会信用代码个体工商户的占位代码，该主体应以经营者身份证号码和姓名标识"
    return IdentifierInfo(code=code, type="uscc", valid=False, is_placeholder=True, **_failure("placeholder", message))


def parse_uscc(raw: str) -> IdentifierInfo:
    code = normalise(raw)
    if code == PLACEHOLDER_USCC:
        return _placeholder_info(code)
    failure = _empty_failure(code) or _length_failure(code) or _uscc_character_failure(code)
    if failure:
        return IdentifierInfo(code=code, type="uscc", valid=False, **failure)
    # Order matters: the org-code check only means something once the structure is known to be sane,
    # and the USCC check comes last because it covers everything before it.
    failure = _uscc_structure_failure(code) or _org_code_failure(code) or _uscc_check_failure(code)
    # Built in one go rather than step by step: imports parse a code on every row.
    return IdentifierInfo(code=code, type="uscc", valid=failure is None, **_uscc_parts(code), **(failure or {}))


# --- resident ID ----------------------------------------------------------------------------------


def _resident_character_failure(code: str) -> dict | None:
    if _RESIDENT_SHAPE.fullmatch(code):
        return None
    for position, char in enumerate(code, start=1):
        if position < CODE_LENGTH and char not in _DIGITS:
            reason = "前17位应为数字"
        elif position == CODE_LENGTH and char not in _DIGITS and char != "X":
            reason = "校验码应为数字或X"
        else:
            continue
        return _failure("illegal_character", f"第{position}位字符“{_shown(char)}”不合法（{reason}）", position)
    return None


def _birth_date(digits: str) -> date | None:
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def _birth_date_failure(code: str, today: date) -> dict | None:
    digits = code[6:14]
    born = _birth_date(digits)
    if born is None:
        message = f"出生日期{digits}不是有效日期"
    elif born > today:
        message = f"出生日期{digits}晚于当前日期{today:%Y%m%d}"
    elif born < _MIN_BIRTH_DATE:
        message = f"出生日期{digits}早于{_MIN_BIRTH_DATE:%Y%m%d}"
    else:
        return None
    return _failure("bad_birth_date", message, 7)


def may_be_resident_id(code: str, today: date | None = None) -> bool:
    """Could this normalised code be a valid resident ID number? For callers that only need to rule one
    out, cheaply: the birth century first (it rules out nearly every all-digit organisation code, whose
    positions 7–8 end a region code), then the check character (ten codes in eleven), then the whole
    birth date."""
    return (
        len(code) == 18
        and code.isascii()
        and code[:17].isdigit()
        and code[6:8] in _BIRTH_CENTURIES
        and resident_id_check_char(code[:17]) == code[17]
        and _birth_date_failure(code, today or date.today()) is None
    )


def _resident_check_failure(code: str) -> dict | None:
    expected, actual = resident_id_check_char(code[:17]), code[17]
    if expected == actual:
        return None
    return _failure("bad_check_character", f"校验码应为“{expected}”，实际为“{actual}”", 18, expected)


def _resident_parts(code: str) -> dict:
    return {
        "region": {"code": code[:6], "province": _province(code[:6], national_allowed=False)},
        "birth_date": _birth_date(code[6:14]),
        "sex": "male" if int(code[16]) % 2 else "female",
    }


def parse_resident_id(raw: str, today: date | None = None) -> IdentifierInfo:
    today = today or date.today()
    code = normalise(raw)
    failure = _empty_failure(code) or _length_failure(code) or _resident_character_failure(code)
    if failure:
        return IdentifierInfo(code=code, type="resident_id", valid=False, **failure)
    parts = _resident_parts(code)
    failure = _birth_date_failure(code, today)
    if failure:
        # An impossible or out-of-range date is not reported as the holder's birth date.
        parts["birth_date"] = None
    else:
        failure = _resident_check_failure(code)
    return IdentifierInfo(code=code, type="resident_id", valid=failure is None, **parts, **(failure or {}))


# --- type detection -------------------------------------------------------------------------------


def identify(raw: str, today: date | None = None) -> IdentifierInfo:
    code = normalise(raw)
    if code == PLACEHOLDER_USCC:
        # Checked first: the placeholder is all digits plus X and would otherwise look like an ID number.
        return _placeholder_info(code)
    failure = _empty_failure(code) or _length_failure(code)
    if failure:
        return IdentifierInfo(code=code, type=None, valid=False, **failure)
    resident = None
    if _RESIDENT_SHAPE.fullmatch(code):
        if _birth_date_failure(code, today or date.today()):
            # Not a resident ID (whatever the USCC reading says, see below): skip building one. A third
            # of all-digit USCCs come here, on every row of an import.
            return parse_uscc(code)
        resident = parse_resident_id(code, today)
    if resident is not None and resident.valid:
        return resident
    uscc = parse_uscc(code)
    if uscc.valid or resident is None:
        return uscc
    # Neither is valid. Once the shape matched, a resident ID can only fail on the birth date or the
    # check character, so "reached the check character" is exactly "has a plausible birth date".
    return resident if resident.error_code != "bad_birth_date" else uscc
