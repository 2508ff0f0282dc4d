"""Validation of record fields against a category's field schema (R2, R3).

One compiled schema serves the API (a dict of fields) and bulk files (a row of cells under
headers), so both channels accept and reject exactly the same things.
"""

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property, lru_cache

from xinyong.core.dates import parse_date
from xinyong.core.identifiers import IdentifierInfo, identify, normalise
from xinyong.core.text import fold

FIELD_TYPES = {"string", "text", "date", "decimal", "integer", "enum", "code"}


@lru_cache(maxsize=4096)
def _identify_on(raw: str, today: dt.date) -> IdentifierInfo:
    return identify(raw, today)


_day = [-1.0, dt.date.min]  # [when it was read (monotonic seconds), the date]


def _today() -> dt.date:
    """date.today(), read again at most once a second: reading it costs a system call, and one
    record asks several times (validation, subject, personal data)."""
    moment = time.monotonic()
    if moment - _day[0] > 1.0:
        _day[:] = moment, dt.date.today()
    return _day[1]


def identify_cached(raw: str) -> IdentifierInfo:
    """`identify`, remembered: one record names the same code several times (validation, subject,
    personal-data check) and a file repeats the deciding agency's code on every row. Keyed on the
    date too, as a resident ID's birth date is checked against today."""
    return _identify_on(raw, _today())


@dataclass(frozen=True)
class FieldError:
    column: str
    reason: str

    def as_dict(self) -> dict:
        return {"field": self.column, "message": self.reason}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    min: float | None = None
    aliases: tuple[str, ...] = ()
    # Personal data (ID numbers of persons): stored encrypted, shown masked (R29).
    personal: bool = False

    @classmethod
    def from_json(cls, data: dict) -> "FieldSpec":
        return cls(
            name=data["name"],
            label=data.get("label", data["name"]),
            type=data.get("type", "string"),
            required=bool(data.get("required")),
            choices=tuple(data.get("choices") or ()),
            max_length=data.get("max_length"),
            min=data.get("min"),
            aliases=tuple(data.get("aliases") or ()),
            personal=bool(data.get("personal")),
        )

    @cached_property
    def clean(self) -> Callable[[object], object]:
        """value → its stored form, or ValueError with a Chinese reason. Built once per field (the
        field's limits bound in), as bulk imports clean every field of every row."""
        return _CLEANERS[self.type](self)


def _as_text(value: object) -> str:
    return value if type(value) is str else str(value)


def _remembered(clean: Callable[[object], object]) -> Callable[[object], object]:
    """Remember a cleaner's results for text values: a file repeats the same dates and amounts on
    many rows. Other values (numbers, dates from XLSX or JSON) are cleaned each time."""
    cached = lru_cache(maxsize=1024)(clean)

    def remembered(value: object) -> object:
        return cached(value) if type(value) is str else clean(value)

    return remembered


def _too_long(limit: int, length: int) -> str:
    return f"长度不能超过{limit}个字符（实际{length}个）"


def _string_cleaner(spec: FieldSpec) -> Callable[[object], object]:
    limit = spec.max_length

    def clean(value: object) -> str:
        text = _as_text(value).strip()
        if limit and len(text) > limit:
            raise ValueError(_too_long(limit, len(text)))
        return text

    return clean


def _date_cleaner(spec: FieldSpec) -> Callable[[object], object]:
    return _remembered(lambda value: parse_date(value).isoformat())


def _decimal_cleaner(spec: FieldSpec) -> Callable[[object], object]:
    minimum = None if spec.min is None else Decimal(str(spec.min))

    def clean(value: object) -> str:
        try:
            number = Decimal(_as_text(value).strip().replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"“{value}”不是有效数字") from None
        if not number.is_finite():
            raise ValueError(f"“{value}”不是有效数字")
        if minimum is not None and number < minimum:
            raise ValueError(f"不能小于{spec.min}")
        return format(number.normalize(), "f")

    return _remembered(clean)


def _integer_cleaner(spec: FieldSpec) -> Callable[[object], object]:
    def clean(value: object) -> int:
        text = _as_text(value).strip()
        if text.endswith(".0"):  # spreadsheets turn 12 into 12.0
            text = text[:-2]
        try:
            number = int(text)
        except ValueError:
            raise ValueError(f"“{value}”不是整数") from None
        if spec.min is not None and number < spec.min:
            raise ValueError(f"不能小于{spec.min}")
        return number

    return clean


def _enum_cleaner(spec: FieldSpec) -> Callable[[object], object]:
    choices = frozenset(spec.choices)

    def clean(value: object) -> str:
        text = _as_text(value).strip()
        if text.endswith(".0"):
            text = text[:-2]
        if text not in choices:
            raise ValueError(f"“{text}”不在可选值中（{'、'.join(spec.choices)}）")
        return text

    return clean


def _code_cleaner(spec: FieldSpec) -> Callable[[object], object]:
    def clean(value: object) -> str:
        # Subject codes get their full check when the subject is identified; here only the form.
        code = normalise(_as_text(value))
        info = identify_cached(code)
        if not (info.valid or info.only_check_failed or info.is_placeholder):
            raise ValueError(info.error or "代码无效")
        return code

    return clean


_CLEANERS = {
    "string": _string_cleaner,
    "text": _string_cleaner,
    "date": _date_cleaner,
    "decimal": _decimal_cleaner,
    "integer": _integer_cleaner,
    "enum": _enum_cleaner,
    "code": _code_cleaner,
}


@dataclass
class CompiledSchema:
    fields: list[FieldSpec]
    by_name: dict[str, FieldSpec] = field(init=False)
    _titles: dict[str, str] = field(init=False)
    # (name, label, required, cleaner, text limit) per field: what `validate` needs, without attribute
    # look-ups. Text fields (most of a row) are checked inline: the limit, or 0 when unlimited; other
    # types have None there and go through their cleaner.
    _checks: list[tuple] = field(init=False)

    def __post_init__(self):
        self.by_name = {spec.name: spec for spec in self.fields}
        self._checks = [(spec.name, spec.label, spec.required, spec.clean, _text_limit(spec)) for spec in self.fields]
        titles: dict[str, str] = {}
        for spec in self.fields:
            for title in (spec.name, spec.label, *spec.aliases):
                titles.setdefault(fold(title), spec.name)
        self._titles = titles

    @cached_property
    def may_be_personal(self) -> tuple[tuple[str, bool], ...]:
        """(name, always) of the fields that can hold a person's ID number: flagged personal (always),
        or code fields (when the code is a resident ID number), in field order."""
        return tuple((s.name, s.personal) for s in self.fields if s.personal or s.type == "code")

    def field_for_title(self, title: str) -> str | None:
        """The field a column title stands for: the exchange name (CF_WSH), its label or an alias."""
        return self._titles.get(fold(title or ""))

    def validate(self, values: dict[str, object]) -> tuple[dict[str, object], list[FieldError]]:
        """Clean every field; collect every problem (not only the first) so a provider fixes a row once."""
        clean: dict[str, object] = {}
        errors = [FieldError(name, "未知字段") for name in values if name not in self.by_name]
        for name, label, required, clean_field, text_limit in self._checks:
            value = values.get(name)
            if type(value) is str:
                value = value.strip()
            if value is None or value == "":
                if required:
                    errors.append(FieldError(name, f"{label}为必填项"))
                continue
            if text_limit is not None and type(value) is str:  # a text field: the stripped text, within its limit
                if text_limit and len(value) > text_limit:
                    errors.append(FieldError(name, f"{label}：{_too_long(text_limit, len(value))}"))
                else:
                    clean[name] = value
                continue
            try:
                clean[name] = clean_field(value)
            except ValueError as error:
                errors.append(FieldError(name, f"{label}：{error}"))
        return clean, errors


def _text_limit(spec: FieldSpec) -> int | None:
    """For text fields, what `validate` checks inline (the cleaner's rule): the limit, 0 for none."""
    return (spec.max_length or 0) if spec.type in ("string", "text") else None


def compile_schema(raw_fields: list[dict]) -> CompiledSchema:
    return CompiledSchema([FieldSpec.from_json(item) for item in raw_fields])


def check_definition(raw_fields: list[dict]) -> list[str]:
    """Problems in a schema as typed by the credit office in the admin (before it is saved)."""
    problems = []
    names = set()
    for index, item in enumerate(raw_fields):
        if not isinstance(item, dict) or not item.get("name"):
            problems.append(f"第{index + 1}个字段缺少 name")
            continue
        if item["name"] in names:
            problems.append(f"字段 {item['name']} 重复")
        names.add(item["name"])
        if item.get("type", "string") not in FIELD_TYPES:
            problems.append(
                f"字段 {item['name']} 的类型 {item.get('type')} 无效，可选：{'、'.join(sorted(FIELD_TYPES))}"
            )
        if item.get("type") == "enum" and not item.get("choices"):
            problems.append(f"枚举字段 {item['name']} 缺少 choices")
    return problems
