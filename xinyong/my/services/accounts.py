"""Subject accounts (issue 20 §1): registration with one pluggable identity check, the credit office's
approval or rejection, and the agents a company's legal representative adds and removes. Every write is
audited with masked identifiers only; the ID number itself is stored encrypted."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from xinyong.accounts.models import Role, User
from xinyong.accounts.roles import ACCOUNT_REVIEWERS
from xinyong.accounts.services import create_user
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core import clock, crypto
from xinyong.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from xinyong.core.identifiers import identify
from xinyong.core.masking import mask_id_number
from xinyong.subjects.models import Subject
from xinyong.subjects.services import register_subject

from .. import identity
from ..models import Notice, SubjectAccount
from .notices import notify

KINDS = ("company", "person")
# A USCC's registration authority and entity type → the subject kind (architecture §6: 9/2 个体工商户).
INDIVIDUAL_BUSINESS_PREFIX = "92"


def _field_error(field: str, message: str, code: str) -> InvalidInput:
    return InvalidInput(message, code=code, details=[{"field": field, "message": message}])


def _resident_id(raw: str, field: str = "id_number") -> str:
    info = identify(raw)
    if info.type != "resident_id" or not info.valid:
        raise _field_error(field, f"身份证号有误：{info.error or '应为18位居民身份证号'}", "invalid_id_number")
    return info.code


def _uscc(raw: str) -> str:
    info = identify(raw)
    if info.type != "uscc" or not info.valid:
        raise _field_error("code", f"统一社会信用代码有误：{info.error or '应为18位'}", "invalid_code")
    return info.code


def _check_password(password: str, username: str) -> None:
    try:
        password_validation.validate_password(password, User(username=username))
    except ValidationError as error:
        raise _field_error("password", "；".join(error.messages), "weak_password") from None


def _new_user(*, actor: Actor, username: str, password: str, email: str) -> User:
    username = username.strip()
    try:
        User.username_validator(username)
    except ValidationError:
        username = ""
    if not username:
        raise _field_error("username", "用户名只能包含字母、数字和 @.+-_ 字符", "invalid_username")
    if User.objects.filter(username__iexact=username).exists():
        raise _field_error("username", f"用户名“{username}”已被使用", "username_taken")
    _check_password(password, username)
    user = create_user(actor=actor, username=username, department=None, roles=[Role.SUBJECT], password=password)
    user.email = email.strip()
    user.save(update_fields=["email"])
    return user


def _masked(account: SubjectAccount) -> str:
    return account.claimed_code or account.id_masked


def _activate(account: SubjectAccount, subject: Subject) -> None:
    account.status, account.subject = SubjectAccount.Status.ACTIVE, subject
    account.save()
    User.objects.filter(pk=account.user_id).update(is_active=True, subject=subject)
    account.user.is_active, account.user.subject = True, subject  # the caller's instance says so too


def _already_open(subject: Subject | None, kind: str) -> None:
    """One legal representative's (or person's) account per subject: further users are its agents."""
    if subject is None:
        return
    opened = SubjectAccount.objects.filter(subject=subject, kind=kind, status=SubjectAccount.Status.ACTIVE)
    if opened.exists():
        raise Conflict("该主体已开通账号；如需更多用户，请由法定代表人登录后添加经办人", code="account_exists")


@transaction.atomic
def register(
    *,
    actor: Actor,
    kind: str,
    username: str,
    password: str,
    email: str = "",
    code: str = "",
    name: str = "",
    person_name: str,
    id_number: str,
) -> SubjectAccount:
    """A company (its code, name and legal representative) or a person (name and ID number) asks for an
    account. Active at once when the identity check confirms it, otherwise pending for the credit office."""
    if kind not in KINDS:
        raise InvalidInput("请选择企业或个人注册", code="invalid_kind")
    person_name, id_number = person_name.strip(), _resident_id(id_number)
    if not person_name:
        raise _field_error("person_name", "请填写姓名", "name_required")
    if kind == "company":
        code, name = _uscc(code), name.strip()
        if not name:
            raise _field_error("name", "请填写主体名称", "name_required")
    else:
        code, name = "", person_name
    verdict = identity.check(
        identity.Claim(kind=kind, code=code or id_number, name=name, person_name=person_name, id_number=id_number)
    )
    account_kind = SubjectAccount.Kind.REPRESENTATIVE if kind == "company" else SubjectAccount.Kind.PERSON
    if verdict.verified:
        _already_open(verdict.subject, account_kind)
    user = _new_user(actor=actor, username=username, password=password, email=email)
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    account = SubjectAccount.objects.create(
        user=user,
        kind=account_kind,
        claimed_code=code,
        claimed_name=name,
        person_name=person_name,
        id_encrypted=crypto.encrypt(id_number),
        id_masked=mask_id_number(id_number),
        submitted_at=clock.now(),
        check_note=verdict.note,
    )
    if verdict.verified and verdict.subject is not None:
        _activate(account, verdict.subject)
        notify(
            subject=verdict.subject,
            key=f"account-{account.pk}",
            kind=Notice.Kind.ACCOUNT,
            text=f"账号 {user.username} 已开通（{verdict.note}）。",
            url="/my/accounts/",
        )
    audit(
        actor=actor,
        action="subject_account.register",
        object_type="subject_account",
        object_id=account.pk,
        after={
            "kind": account.kind,
            "subject": _masked(account),
            "user": user.username,
            "status": account.status,
            "check": verdict.note,
        },
    )
    return account


def _require_office(user: User) -> None:
    if not (user.is_superuser or user.has_role(*ACCOUNT_REVIEWERS)):
        raise Forbidden("只有信用办可以审核信用主体账号", code="not_credit_office")


def _pending(account_id: int) -> SubjectAccount:
    account = SubjectAccount.objects.select_for_update().select_related("user").filter(pk=account_id).first()
    if account is None:
        raise NotFound("账号申请不存在", code="account_not_found")
    if account.status != SubjectAccount.Status.PENDING:
        raise InvalidInput(f"该申请已处理（{account.get_status_display()}）", code="already_decided")
    return account


def _subject_for(actor: Actor, account: SubjectAccount) -> Subject:
    """The subject the approved account is for: the one the platform holds, or registered now (the credit
    office has confirmed who it is)."""
    id_number = crypto.decrypt(account.id_encrypted)
    code = account.claimed_code or id_number
    if account.kind == SubjectAccount.Kind.PERSON:
        kind = Subject.Kind.NATURAL_PERSON
    elif code.startswith(INDIVIDUAL_BUSINESS_PREFIX):
        kind = Subject.Kind.INDIVIDUAL_BUSINESS
    else:
        kind = Subject.Kind.LEGAL_PERSON
    found = identity.check(
        identity.Claim(
            kind="person" if kind == Subject.Kind.NATURAL_PERSON else "company",
            code=code,
            name=account.claimed_name,
            person_name=account.person_name,
            id_number=id_number,
        )
    ).subject
    if found is not None:
        return found
    subject, _ = register_subject(actor=actor, code=code, name=account.claimed_name, kind=kind)
    return subject


@transaction.atomic
def approve(*, actor: Actor, user: User, account_id: int, note: str = "") -> SubjectAccount:
    _require_office(user)
    account = _pending(account_id)
    subject = _subject_for(actor, account)
    _already_open(subject, account.kind)
    account.decided_at, account.decided_by, account.decision_reason = clock.now(), actor.name, note.strip()[:500]
    _activate(account, subject)
    notify(
        subject=subject,
        key=f"account-{account.pk}",
        kind=Notice.Kind.ACCOUNT,
        text=f"信用办已审核通过账号 {account.user.username}。",
        url="/my/accounts/",
    )
    audit(
        actor=actor,
        action="subject_account.approve",
        object_type="subject_account",
        object_id=account.pk,
        after={"subject": subject.public_code, "user": account.user.username},
    )
    return account


@transaction.atomic
def reject(*, actor: Actor, user: User, account_id: int, reason: str) -> SubjectAccount:
    _require_office(user)
    if not reason.strip():
        raise _field_error("reason", "不予通过须说明理由", "reason_required")
    account = _pending(account_id)
    account.status = SubjectAccount.Status.REJECTED
    account.decided_at, account.decided_by, account.decision_reason = clock.now(), actor.name, reason.strip()[:500]
    account.save()
    audit(
        actor=actor,
        action="subject_account.reject",
        object_type="subject_account",
        object_id=account.pk,
        after={"reason": account.decision_reason},
    )
    return account


def _representative(user: User) -> SubjectAccount:
    account = SubjectAccount.objects.filter(user=user, status=SubjectAccount.Status.ACTIVE).first()
    if account is None or account.kind != SubjectAccount.Kind.REPRESENTATIVE or account.subject_id is None:
        raise Forbidden("只有企业法定代表人账号可以管理经办人", code="not_representative")
    return account


@transaction.atomic
def add_agent(
    *, actor: Actor, user: User, username: str, password: str, person_name: str, id_number: str, email: str = ""
) -> SubjectAccount:
    """The legal representative gives one more person of the company an account (经办人), active at once."""
    representative = _representative(user)
    person_name, id_number = person_name.strip(), _resident_id(id_number)
    if not person_name:
        raise _field_error("person_name", "请填写经办人姓名", "name_required")
    agent = _new_user(actor=actor, username=username, password=password, email=email)
    subject = representative.subject
    assert subject is not None  # _representative refuses an unbound account
    User.objects.filter(pk=agent.pk).update(subject=subject)
    account = SubjectAccount.objects.create(
        user=agent,
        kind=SubjectAccount.Kind.AGENT,
        status=SubjectAccount.Status.ACTIVE,
        subject=subject,
        claimed_code=representative.claimed_code,
        claimed_name=representative.claimed_name,
        person_name=person_name,
        id_encrypted=crypto.encrypt(id_number),
        id_masked=mask_id_number(id_number),
        submitted_at=clock.now(),
        added_by=actor.name,
        check_note="法定代表人添加",
    )
    audit(
        actor=actor,
        action="subject_account.add_agent",
        object_type="subject_account",
        object_id=account.pk,
        after={"subject": subject.public_code, "user": agent.username, "id": account.id_masked},
    )
    return account


@transaction.atomic
def remove_agent(*, actor: Actor, user: User, account_id: int) -> SubjectAccount:
    """The agent can no longer sign in; its account and what it filed stay on record."""
    representative = _representative(user)
    account = (
        SubjectAccount.objects.select_for_update()
        .select_related("user")
        .filter(pk=account_id, subject=representative.subject, kind=SubjectAccount.Kind.AGENT)
        .first()
    )
    if account is None:  # another company's agent is not found, exactly as a missing one
        raise NotFound("经办人账号不存在", code="account_not_found")
    if account.status != SubjectAccount.Status.REMOVED:
        account.status = SubjectAccount.Status.REMOVED
        account.save(update_fields=["status"])
        User.objects.filter(pk=account.user_id).update(is_active=False)
        audit(
            actor=actor,
            action="subject_account.remove_agent",
            object_type="subject_account",
            object_id=account.pk,
            after={"user": account.user.username},
        )
    return account
