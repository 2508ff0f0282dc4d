"""Turning one delivered record (API body or file row) into something storable, or into errors.

Shared by the API and bulk imports so both channels apply exactly the same rules: schema
validation, subject identification, decision date, content hash, double-publicity due date.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from xinyong.catalog.models import Category
from xinyong.catalog.schema import CompiledSchema, FieldError, identify_cached
from xinyong.catalog.selectors import severity_rule
from xinyong.core import calendar, crypto
from xinyong.core.dates import add_months
from xinyong.core.identifiers import PLACEHOLDER_USCC
from xinyong.core.masking import mask_id_number
from xinyong.subjects.models import Subject
from xinyong.subjects.services import SubjectRef, business_key, person_key

PERSON = "自然人"
INDIVIDUAL_BUSINESS = "个体工商户"


@dataclass
class Prepared:
    fields: dict
    subject: SubjectRef
    decision_number: str
    decision_date: dt.date | None
    content_hash: str
    publish_due: dt.date | None
    publication_ends_on: dt.date | None
    warnings: list[str] = field(default_factory=list)
    personal_encrypted: str = ""
    masked: dict = field(default_factory=dict)
    # False for minor penalties, which the repair rules keep off the public side entirely.
    publishable: bool = True

    def mask(self, values: dict) -> dict:
        """A copy of a payload with every personal value replaced by its masked form."""
        return {key: self.masked.get(key, value) for key, value in values.items()}


_SECRET = json.JSONEncoder(ensure_ascii=False)


def _protect_personal(schema: CompiledSchema, clean: dict) -> tuple[dict, dict, str]:
    """Split personal ID numbers out of the fields: (stored fields, masked values, ciphertext).
    Fields flagged personal always; code fields when they hold a resident ID number."""
    secret = {}
    for name, always in schema.may_be_personal:
        value = clean.get(name)
        if value is not None and (always or identify_cached(str(value)).type == "resident_id"):
            secret[name] = str(value)
    if not secret:
        return clean, {}, ""
    masked = {name: mask_id_number(value) for name, value in secret.items()}
    ciphertext = crypto.encrypt(_SECRET.encode(secret))
    return {**clean, **masked}, masked, ciphertext


def _kind_for_uscc(code: str, declared: str | None) -> str:
    if declared == INDIVIDUAL_BUSINESS or code[:2] == "92":
        return Subject.Kind.INDIVIDUAL_BUSINESS
    # Registration authority 9 with type 1/3 are enterprises and cooperatives; the others
    # (institutions, social organisations…) are legal persons too, in the catalog's sense.
    return Subject.Kind.LEGAL_PERSON


def _person_ref(person_id: str, name: str, column: str) -> SubjectRef | FieldError:
    info = identify_cached(person_id)
    if info.type != "resident_id" or not info.valid:
        return FieldError(column, f"身份证号码无效：{info.error or '不是居民身份证号码'}")
    return SubjectRef(key=person_key(info.code), kind=Subject.Kind.NATURAL_PERSON, name=name, person_id=info.code)


def identify_subject(category: Category, clean: dict, *, allow_unverified: bool) -> SubjectRef | FieldError:
    """Who the record is about, from the category's subject field mapping."""
    mapping = category.subject_fields
    name = clean.get(mapping["name"], "")
    declared = clean.get(mapping.get("kind", ""))
    code = clean.get(mapping.get("code", ""), "")
    code_column = mapping.get("code", "")
    if declared == PERSON:
        column = mapping.get("person_id", code_column)
        return _person_ref(clean.get(column, "") or code, name, column)
    if code and code != PLACEHOLDER_USCC:
        info = identify_cached(code)
        if info.type == "resident_id":
            return _person_ref(code, name, code_column)
        if not (info.valid or (allow_unverified and info.only_check_failed)):
            return FieldError(code_column, f"统一社会信用代码无效：{info.error}")
        return SubjectRef(
            key=info.code, kind=_kind_for_uscc(info.code, declared), name=name, code=info.code, verified=info.valid
        )
    operator_column = mapping.get("operator_id", "")
    operator_id = clean.get(operator_column, "")
    if declared == INDIVIDUAL_BUSINESS or code == PLACEHOLDER_USCC:
        if not operator_id:
            return FieldError(operator_column or code_column, "无统一社会信用代码的个体工商户须提供经营者身份证号码")
        person = _person_ref(operator_id, name, operator_column)
        if isinstance(person, FieldError):
            return person
        return SubjectRef(
            key=business_key(person.person_id, name),
            kind=Subject.Kind.INDIVIDUAL_BUSINESS,
            name=name,
            person_id=person.person_id,
        )
    return FieldError(code_column, "统一社会信用代码为必填项")


# The canonical form hashed: changing it would make every stored record look new to a re-import.
# One encoder for all rows (json.dumps with options builds a new one per call).
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(category: Category, provider_code: str, subject_key: str, clean: dict) -> str:
    payload = _CANONICAL.encode([category.code, provider_code, subject_key, clean])
    return hashlib.sha256(payload.encode()).hexdigest()


def _due_date(category: Category, decided: dt.date | None, warnings: list[str]) -> dt.date | None:
    if decided is None or category.publish_within_working_days is None:
        return None
    try:
        return calendar.add_working_days(decided, category.publish_within_working_days)
    except calendar.CalendarMissing as missing:
        # The record is kept; `xinyong daily` fills the due date once the year is entered.
        warnings.append(missing.message)
        return None


def prepare(
    category: Category,
    schema: CompiledSchema,
    values: dict,
    *,
    provider_code: str,
    today: dt.date,
    allow_unverified: bool = False,
) -> Prepared | list[FieldError]:
    clean, errors = schema.validate(values)
    if errors:
        return errors
    subject = identify_subject(category, clean, allow_unverified=allow_unverified)
    if isinstance(subject, FieldError):
        return [subject]
    decided = (
        dt.date.fromisoformat(clean[category.decision_date_field]) if clean.get(category.decision_date_field) else None
    )
    if decided and decided > today:
        return [FieldError(category.decision_date_field, f"决定日期 {decided} 晚于今天")]
    rule = severity_rule(category, clean.get(category.severity_field)) if category.severity_field else None
    stored, masked, ciphertext = _protect_personal(schema, clean)
    warnings: list[str] = []
    if not subject.verified:
        warnings.append(f"统一社会信用代码 {subject.code} 校验位不符，已按存量代码“待核实”接收")
    return Prepared(
        fields=stored,
        masked=masked,
        personal_encrypted=ciphertext,
        subject=subject,
        decision_number=str(clean.get(category.decision_number_field, "")) if category.decision_number_field else "",
        decision_date=decided,
        content_hash=content_hash(category, provider_code, subject.key, clean),
        publish_due=_due_date(category, decided, warnings) if not rule or rule.published else None,
        publication_ends_on=_publication_end(category, rule, decided),
        publishable=rule.published if rule else True,
        warnings=warnings,
    )


def _publication_end(category: Category, rule, decided: dt.date | None) -> dt.date | None:
    """Publication stops by itself at the maximum period of the record's severity, or the category's."""
    months = rule.max_months if rule else category.publication_months
    return add_months(decided, months) if decided and months else None
