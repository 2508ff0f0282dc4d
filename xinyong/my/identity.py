"""The identity check of a registration: one pluggable step (setting `XINYONG_IDENTITY_CHECK`, the dotted path
of a callable taking a `Claim` and returning a `Verdict`), so a real 实名认证 service can take over from the
credit office's manual approval without touching the rest.

The default, `registered_representative`, confirms a company's account at once when the platform already
holds the company with that legal representative (name and ID number) today; anything else, and every
person, waits for the credit office."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from xinyong.core import clock
from xinyong.core.dates import period_covers
from xinyong.subjects.models import Relation, Subject
from xinyong.subjects.services import person_key


@dataclass(frozen=True)
class Claim:
    kind: str  # "company" or "person"
    code: str  # a company's USCC; for a person, the ID number
    name: str  # the company's name, or the person's
    person_name: str  # the legal representative's (or the person's) name
    id_number: str  # the legal representative's (or the person's) ID number


@dataclass(frozen=True)
class Verdict:
    verified: bool
    subject: Subject | None  # the subject the account is for, when the platform holds it
    note: str  # why, in Chinese, shown to the credit office


def check(claim: Claim) -> Verdict:
    return import_string(settings.XINYONG_IDENTITY_CHECK)(claim)


def _representative_matches(company: Subject, claim: Claim, on: dt.date) -> bool:
    relations = company.relations.select_related("member").filter(
        period_covers(on), role=Relation.Role.LEGAL_REPRESENTATIVE
    )
    key = person_key(claim.id_number)
    return any(r.member.key == key and r.member.name == claim.person_name for r in relations)


def registered_representative(claim: Claim) -> Verdict:
    found = Subject.objects.filter(key=person_key(claim.code) if claim.kind == "person" else claim.code).first()
    if claim.kind == "person":
        return Verdict(False, found, "个人账号须由信用办核实身份（尚未接入实名认证服务）")
    if found is None:
        return Verdict(False, None, "平台尚未登记该统一社会信用代码的主体")
    if found.name != claim.name:
        return Verdict(False, found, "主体名称与平台登记不一致")
    if not _representative_matches(found, claim, clock.today()):
        return Verdict(False, found, "法定代表人姓名或身份证号与平台登记不一致")
    return Verdict(True, found, "与平台登记的法定代表人一致")
