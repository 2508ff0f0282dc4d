"""Demo data for `xinyong demo`: a district (柴桑区, region 360404) with its credit office, departments,
one user per role, and sample subjects. Idempotent: running it again changes nothing but the
demo passwords and tokens, which are new on every run and printed once.

All codes are generated with correct check characters but are fictional; names are invented.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction

from xinyong.accounts import services as accounts
from xinyong.accounts.models import ApiToken, Role, User
from xinyong.accounts.roles import ADMIN_USERS
from xinyong.audit.services import Actor
from xinyong.core.identifiers import org_code_check_char, resident_id_check_char, uscc_check_char
from xinyong.subjects import services as subjects

ACTOR = Actor(name="demo", channel="cli")
REGION = "360404"

DEPARTMENTS = [
    ("XYB", "柴桑区社会信用体系建设领导小组办公室", [Role.CREDIT_OFFICE]),
    # Also its own department's administrator: issues the API tokens of its systems in the workbench.
    ("SCJG", "柴桑区市场监督管理局", [Role.PROVIDER, Role.INITIATOR, Role.IMPLEMENTER, Role.DEPARTMENT_ADMIN]),
    ("SW", "国家税务总局九江市柴桑区税务局", [Role.PROVIDER, Role.INITIATOR, Role.IMPLEMENTER]),
    ("FY", "柴桑区人民法院", [Role.PROVIDER, Role.INITIATOR]),
    ("FGW", "柴桑区发展和改革委员会", [Role.PROVIDER, Role.INITIATOR, Role.IMPLEMENTER]),
    ("CZ", "柴桑区财政局", [Role.PROVIDER, Role.IMPLEMENTER]),
    ("RS", "柴桑区人力资源和社会保障局", [Role.PROVIDER, Role.INITIATOR, Role.IMPLEMENTER]),
    ("SJ", "柴桑区审计局", [Role.AUDITOR]),
    # Told of public-sector dishonesty (R16): the state enterprises' supervisor, discipline, personnel.
    ("GZW", "柴桑区国有资产监督管理办公室", [Role.PROVIDER]),
    ("JW", "柴桑区纪委监委", [Role.DISCIPLINE]),
    ("ZZB", "中共柴桑区委组织部", [Role.PERSONNEL]),
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


# Roles with pages in the admin (their permissions: accounts migration 0005).


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
    logins.append(_demo_company_account())
    _public_sector()
    _load_activity()
    _typical_cases()
    return logins


def _demo_user(username: str, department, roles: list[str]) -> DemoLogin:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = accounts.create_user(
            actor=ACTOR,
            username=username,
            department=department,
            roles=roles,
            is_staff=bool(ADMIN_USERS & set(roles)),
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


def _demo_company_account() -> DemoLogin:
    """A company's own account (role subject): objections, repair, self-reporting."""
    from xinyong.subjects.models import Subject

    company = Subject.objects.get(key=demo_uscc(6))
    user = User.objects.filter(username="qiye").first()
    if user is None:
        user = accounts.create_user(actor=ACTOR, username="qiye", department=None, roles=[Role.SUBJECT])
        User.objects.filter(pk=user.pk).update(subject=company)
        _self_report(User.objects.get(pk=user.pk))
    return _fresh_credentials(user, [Role.SUBJECT], company.name)


def _self_report(user: User) -> None:
    """An honour the company reported itself, waiting for the market regulator to verify it (R5)."""
    from xinyong.selfreports import services as self_reports

    self_reports.submit(
        actor=Actor.of(user),
        user=user,
        kind="honour",
        title="2025年度“守合同重信用”企业",
        content="经九江市市场监督管理局公示，列入2025年度“守合同重信用”企业名单。",
        evidence="市场监管局公示文件（九市监〔2025〕12号）",
        verifier_code="SCJG",
        commitment=True,
    )


def _public_sector() -> None:
    """Company 6 is a district state enterprise under the assets office (R16): its court listing in
    `_load_activity` is notified to GZW and the audit office. Re-registering changes nothing."""
    from xinyong.integrity.public_sector import register_affiliation

    office = User.objects.get(username="xyb")
    register_affiliation(
        actor=Actor.of(office), user=office, subject_code=demo_uscc(6), kind="state_enterprise", department_code="GZW"
    )


def _load_activity() -> None:
    """Published decisions, list entries and a check, so every page and endpoint shows something.
    Skipped when already loaded (the demo is re-run on every start)."""
    from xinyong.lists.models import ListEntry

    if ListEntry.objects.exists():
        return
    market = User.objects.get(username="scjg")
    for serial, name, _, _ in COMPANIES[:5]:
        _penalty_and_licence(market, serial, name)
    _court_defaulter()
    _red_list()


def _penalty_and_licence(user: User, serial: int, name: str) -> None:
    from xinyong.core import clock
    from xinyong.records.services import ingest_record

    decided = (clock.today() - dt.timedelta(days=20 + serial * 7)).isoformat()
    agency = demo_uscc(900, authority="1", entity="1")
    actor = Actor.of(user, channel="api")
    licence = {
        "XK_XDR_MC": name,
        "XK_XDR_LB": "法人及非法人组织",
        "XK_XDR_SHXYM": demo_uscc(serial),
        "XK_XKWS": "食品经营许可决定书",
        "XK_WSH": f"柴市监许〔{decided[:4]}〕{serial}号",
        "XK_XKLB": "普通",
        "XK_NR": "食品经营许可（预包装食品销售）",
        "XK_JDRQ": decided,
        "XK_YXQZ": decided,
        "XK_YXQZI": "2030-12-31",
        "XK_XKJG": "柴桑区市场监督管理局",
        "XK_XKJGDM": agency,
    }
    _ingest_quietly(ingest_record, actor, user, "admin_licensing", licence)
    if serial % 2:
        penalty = {
            "CF_XDR_MC": name,
            "CF_XDR_LB": "法人及非法人组织",
            "CF_XDR_SHXYM": demo_uscc(serial),
            "CF_WSH": f"柴市监罚〔{decided[:4]}〕{serial}号",
            "CF_WFXW": "未按规定公示年度报告",
            "CF_YJ": "《企业信息公示暂行条例》第十八条",
            "CF_CFLB": "罚款",
            "CF_NR": "罚款人民币伍千元",
            "CF_NR_FK": "0.5",
            "CF_JDRQ": decided,
            "CF_CFJG": "柴桑区市场监督管理局",
            "CF_CFJGDM": agency,
            "CF_YZCD": "一般",
        }
        _ingest_quietly(ingest_record, actor, user, "admin_penalty", penalty)


def _ingest_quietly(ingest_record, actor, user, category, fields) -> None:
    from xinyong.core.errors import DomainError

    try:
        ingest_record(actor=actor, provider=user.department, category_code=category, fields=fields)
    except DomainError as error:  # e.g. a year without calendar data: the demo goes on without it
        print(f"演示数据未载入（{category}）：{error.message}")


def _court_defaulter() -> None:
    from xinyong.core import clock
    from xinyong.lists.services import EntryInput, create_entry

    court = User.objects.get(username="fy")
    create_entry(
        actor=Actor.of(court),
        user=court,
        data=EntryInput(
            list_type="black_court_defaulter",
            subject=demo_uscc(6),
            document_number="（2026）赣0404执88号",
            basis="《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条",
            reason="有履行能力而拒不履行生效法律文书确定的给付义务",
            decided_on=clock.today() - dt.timedelta(days=30),
            conduct_on=clock.today() - dt.timedelta(days=90),
        ),
    )


def _red_list() -> None:
    from xinyong.core import clock
    from xinyong.lists.models import ListType
    from xinyong.lists.services import EntryInput, create_entry

    red = ListType.objects.filter(kind="red", is_active=True, measures__incentive_kind="green_channel").first()
    initiator = User.objects.filter(department__code=getattr(red, "initiator_department_code", None)).first()
    if red is None or initiator is None:
        return
    create_entry(
        actor=Actor.of(initiator),
        user=initiator,
        data=EntryInput(
            list_type=red.code,
            subject=demo_uscc(3),
            document_number="柴信用办〔2026〕3号",
            basis=red.entry_criteria[:200] or "守信激励对象认定",
            reason="连续三年无不良信用记录，纳税信用A级",
            decided_on=clock.today() - dt.timedelta(days=10),
        ),
    )


TYPICAL_CASES = [
    (
        "柴桑区诚信农业发展有限公司连续三年纳税信用A级",
        "red",
        "该公司连续三年无不良信用记录，纳税信用评价为A级，按时足额发放工资，积极参与乡村振兴。"
        "经认定纳入守信激励对象名单，在行政审批中享受“绿色通道”、容缺受理等便利措施。",
    ),
    (
        "九江浔阳建筑工程有限公司拒不履行生效判决被列入失信被执行人名单",
        "black",
        "该公司有履行能力而拒不履行人民法院生效法律文书确定的给付义务，被依法列入失信被执行人名单，"
        "在政府采购、招标投标、融资授信等方面受到联合惩戒。履行义务后可依法申请信用修复。",
    ),
]


def _typical_cases() -> None:
    """Two published typical cases (R23); the credit office edits them in the admin."""
    from xinyong.core import clock
    from xinyong.portal.models import TypicalCase

    for days_ago, (title, category, summary) in enumerate(TYPICAL_CASES, start=3):
        TypicalCase.objects.get_or_create(
            title=title,
            defaults={
                "category": category,
                "summary": summary,
                "date": clock.today() - dt.timedelta(days=days_ago),
                "published": True,
            },
        )
