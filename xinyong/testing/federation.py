"""What the exchange scenarios list and deliver: a court's entry against an organisation or a person, and
the fields of a simple record of a category."""

import datetime as dt

from xinyong.audit.services import Actor
from xinyong.lists.services import EntryInput, create_entry
from xinyong.subjects.services import SubjectRef, ensure_subjects, person_key

from .factories import uscc


def court_entry(court, code: str, document_number: str, *, person_name: str = ""):
    """The court lists an organisation — or, with `person_name`, a person (`code`: the ID number) —
    created first if new, as a defaulter, in this district."""
    actor = Actor.of(court)
    if person_name:
        ref = SubjectRef(key=person_key(code), kind="natural_person", name=person_name, person_id=code)
    else:
        ref = SubjectRef(key=code, kind="legal_person", name="九江失信建材有限公司", code=code)
    ensure_subjects(actor=actor, refs=[ref], reason="test")
    return create_entry(
        actor=actor,
        user=court,
        data=EntryInput(
            list_type="black_court_defaulter",
            subject=code,
            document_number=document_number,
            basis="《最高人民法院关于公布失信被执行人名单信息的若干规定》",
            decided_on=dt.date(2025, 5, 20),
        ),
    )


def simple(category_code: str, n: int = 1) -> dict:
    return {
        "subject_name": f"九江交换测试有限公司{n}",
        "subject_code": uscc(700 + n),
        "decision_number": f"（2025）赣0404执{n}号",
        "decision_date": "2025-05-20",
        "content": "测试内容",
    }
