"""Demo data for `xinyong demo`: a district (柴桑区, region 360404) with its credit office, departments,
one user per role, and sample subjects. Idempotent: running it again changes nothing but the
demo passwords and tokens, which are new on every run and printed once.

All codes are generated with correct check characters but are fictional; names are invented.
"""

import secrets
from dataclasses import dataclass

from django.db import transaction

from xinyong.accounts import services as accounts
from xinyong.accounts.models import ApiToken, Role, User
from xinyong.audit.services import Actor
from xinyong.core.identifiers import org_code_check_char, resident_id_check_char, uscc_check_char
from xinyong.subjects import services as subjects

ACTOR = Actor(name="demo", channel="cli")
REGION = "360404"

DEPARTMENTS = [
    ("XYB", "柴桑区社会信用体系建设领导小组办公室", [Role.CREDIT_OFFICE]),
    ("SCJG", "柴桑区市场监督管理局", [Role.PROVIDER, Role.INITIATOR, Role.IMPLEMENTER]),
    ("SW", "国家税务总局九江市柴桑区税务局", [Role.PROVIDER, Role.INITIATOR, Role.IMPLEMENTER]),
    ("FY", "柴桑区人民法院", [Role.PROVIDER, Role.INITIATOR]),
    ("FGW", "柴桑区发展和改革委员会", [Role.PROVIDER, Role.INITIATOR, Role.IMPLEMENTER]),
    ("CZ", "柴桑区财政局", [Role.PROVIDER, Role.IMPLEMENTER]),
    ("RS", "柴桑区人力资源和社会保障局", [Role.PROVIDER, Role.INITIATOR, Role.IMPLEMENTER]),
    ("SJ", "柴桑区审计局", [Role.AUDITOR]),
]


def demo_uscc(serial: int, authority: str = "9", entity: str = "1") -> str:
    org = f"{36040000 + serial:08d}"
    org += org_code_check_char(org)
    first17 = f"{authority}{entity}{REGION}{org}"
    return first17 + uscc_check_char(first17)


def demo_resident_id(serial: int, birth: str) -> str:
    first17 = f"{REGION}{birth}{serial:03d}"
    return first17 + resident_id_check_char(first17)


COMPANIES = [
    (1, "九江柴桑示范建材有限公司", "张建国", "19700315"),
    (2, "九江庐山湖物流有限公司", "李红梅", "19821102"),
    (3, "柴桑区诚信农业发展有限公司", "王守信", "19650808"),
    (4, "九江长江智能制造股份有限公司", "赵振华", "19780520"),
    (5, "柴桑区便民商贸有限公司", "陈晓明", "19900101"),
    (6, "九江浔阳建筑工程有限公司", "刘大伟", "19751230"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    department: str
    roles: list[str]
    password: str
    token: str


@transaction.atomic
def load() -> list[DemoLogin]:
    credit_office = None
    logins = []
    for code, name, roles in DEPARTMENTS:
        department = accounts.upsert_department(actor=ACTOR, code=code, name=name, parent_code=credit_office)
        credit_office = credit_office or department.code
        logins.append(_demo_user(code.lower(), department, roles))
    logins.insert(0, _demo_admin())
    _load_subjects()
    return logins


def _demo_user(username: str, department, roles: list[str]) -> DemoLogin:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = accounts.create_user(
            actor=ACTOR,
            username=username,
            department=department,
            roles=roles,
            is_staff=Role.CREDIT_OFFICE in roles,
        )
    return _fresh_credentials(user, roles, department.name)


def _demo_admin() -> DemoLogin:
    user = User.objects.filter(username="admin").first()
    if user is None:
        user = accounts.create_user(
            actor=ACTOR,
            username="admin",
            department=None,
            roles=[Role.CREDIT_OFFICE],
            is_staff=True,
            is_superuser=True,
        )
    return _fresh_credentials(user, [Role.CREDIT_OFFICE], "系统管理员")


def _fresh_credentials(user: User, roles: list[str], department_name: str) -> DemoLogin:
    password = secrets.token_urlsafe(9)
    user.set_password(password)
    user.save(update_fields=["password"])
    for old in ApiToken.objects.filter(user=user, name="demo", revoked_at__isnull=True):
        accounts.revoke_token(actor=ACTOR, prefix=old.prefix)
    _, token = accounts.create_token(actor=ACTOR, user=user, name="demo", days=30)
    return DemoLogin(user.username, department_name, roles, password, token)


def _load_subjects() -> None:
    for serial, name, representative, birth in COMPANIES:
        relation = subjects.RelationInput(
            role="legal_representative",
            member_code=demo_resident_id(serial, birth),
            member_name=representative,
        )
        subjects.register_subject_with_relations(
            actor=ACTOR, code=demo_uscc(serial), name=name, kind="legal_person", relations=[relation]
        )
