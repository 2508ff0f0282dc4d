"""The district of the 我的信用 tests: two companies registered with their legal representatives, a market
regulator that provides and initiates, a court, and helpers that make a subject's account through the real
registration service."""

import datetime as dt

from xinyong.accounts import services as accounts
from xinyong.audit.services import SYSTEM, Actor
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


def penalty_for(which: str, provider, serial: int = 801):
    """A general penalty of 2025-01-24 (repairable from 2025-04-24: three months, 信用修复管理办法)."""
    from xinyong.records.services import ingest_record

    from .factories import penalty

    code, name, _, _ = COMPANIES[which]
    fields = penalty(serial, CF_XDR_SHXYM=code, CF_XDR_MC=name, CF_WSH=f"柴市监罚〔2025〕{serial}号")
    return ingest_record(
        actor=Actor.of(provider), provider=provider.department, category_code="admin_penalty", fields=fields
    ).record


def court_entry(which: str, court):
    from xinyong.lists.services import EntryInput, create_entry

    return create_entry(
        actor=Actor.of(court),
        user=court,
        data=EntryInput(
            list_type="black_court_defaulter",
            subject=COMPANIES[which][0],
            document_number=f"（2025）赣0404执{80 + len(which)}号",
            basis="《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条",
            decided_on=TODAY - dt.timedelta(days=20),
        ),
    )
