"""The district of the 我的信用 tests: two companies registered with their legal representatives, a market
regulator that provides and initiates, a court, and helpers that make a subject's account through the real
registration service."""

import datetime as dt

from xinyong.accounts import services as accounts
from xinyong.audit.services import SYSTEM
from xinyong.my.services import accounts as subject_accounts
from xinyong.subjects import services as subjects

from .factories import resident_id, uscc

TODAY = dt.date(2025, 6, 30)  # a Monday
PASSWORD = "Xinyong-test-2025"
COMPANIES = {
    "a": (uscc(801), "九江甲建材有限公司", "张甲", resident_id(801, "19700101")),
    "b": (uscc(802), "九江乙物流有限公司", "李乙", resident_id(802, "19800202")),
}


def load_companies() -> None:
    for code, name, representative, id_number in COMPANIES.values():
        subjects.register_subject_with_relations(
            actor=SYSTEM,
            code=code,
            name=name,
            kind="legal_person",
            relations=[
                subjects.RelationInput(role="legal_representative", member_code=id_number, member_name=representative)
            ],
        )


def staff(username: str, department: str, name: str, *roles: str):
    dept = accounts.upsert_department(actor=SYSTEM, code=department, name=name)
    return accounts.create_user(actor=SYSTEM, username=username, department=dept, roles=list(roles), password=PASSWORD)


def company_account(which: str, username: str | None = None):
    """The company's legal representative registers; the platform holds the same, so it is active at once."""
    code, name, representative, id_number = COMPANIES[which]
    return subject_accounts.register(
        actor=SYSTEM,
        kind="company",
        username=username or f"company-{which}",
        password=PASSWORD,
        code=code,
        name=name,
        person_name=representative,
        id_number=id_number,
    )
