"""Helpers shared by the supervision services: subjects' codes for records, numbering, who may act."""

import datetime as dt

from xinyong.accounts.models import Department, Role, User
from xinyong.accounts.selectors import department_of
from xinyong.core import crypto
from xinyong.core.errors import Forbidden, InvalidInput
from xinyong.core.lengths import abbreviate
from xinyong.subjects.models import Subject
from xinyong.subjects.selectors import get_by_code

# The seed document for this slice (共社信办字〔2020〕7号), cited in bases and record contents.
SEED_DOCUMENT = "共社信办字〔2020〕7号"


def subject_code(subject: Subject) -> str:
    """The code a record about the subject carries (a person's full ID number, decrypted here only to
    be re-identified, encrypted and masked again by the record flow)."""
    if subject.is_person:
        return crypto.decrypt(subject.id_encrypted)
    if subject.uscc:
        return subject.uscc
    raise InvalidInput(
        f"“{subject.name}”没有统一社会信用代码，无法生成信用信息，请先补充登记", code="subject_without_code"
    )


def subject_for(code: str) -> Subject:
    return get_by_code(code)


# Lengths of the generic catalog fields this slice composes (supervision migration 0002): a record's
# content and remarks are made of an order's, commitment's or task's own texts, kept whole in their rows.
COMPOSED_LENGTHS = {"content": 4000, "remarks": 1000}


def record_fields(subject: Subject, *, number: str, on: dt.date, content: str, authority: str, **extra) -> dict:
    """The generic catalog fields (subject_name, subject_code, decision_number, decision_date, content,
    authority, …) of a record this slice writes through `ingest_record`."""
    fields = {
        "subject_name": subject.name,
        "subject_code": subject_code(subject),
        "decision_number": number,
        "decision_date": on.isoformat(),
        "content": abbreviate(content, COMPOSED_LENGTHS["content"]),
        "authority": authority,
    }
    for key, value in extra.items():
        if value not in (None, ""):
            fields[key] = value.isoformat() if isinstance(value, dt.date) else value
    if fields.get("remarks"):
        fields["remarks"] = abbreviate(fields["remarks"], COMPOSED_LENGTHS["remarks"])
    return fields


def number_for(obj, prefix: str, on: dt.date) -> str:
    """A readable, unique number from the row id: XYCN-2025-000001."""
    return f"{prefix}-{on:%Y}-{obj.pk:06d}"


def number_of(obj) -> str:
    """The readable number of a stored row: assigned right after its id, so a stored row has one."""
    if not obj.number:
        raise ValueError(f"{type(obj).__name__} {obj.pk} has no number yet")
    return obj.number


def assign_number(obj, prefix: str, on: dt.date) -> str:
    obj.number = number = number_for(obj, prefix, on)
    obj.save(update_fields=["number"])
    return number


def acting_department(user: User) -> Department:
    return department_of(user)


def may_act(user: User, department_id: int) -> bool:
    """The department concerned, or the credit office (pages ask it before offering a form)."""
    return user.department_id == department_id or user.has_role(Role.CREDIT_OFFICE)


def require_department(user: User, department_id: int, message: str) -> None:
    if not may_act(user, department_id):
        raise Forbidden(message, code="not_own_department")
