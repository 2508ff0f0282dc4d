"""Departments, users, roles and API tokens. Every write is audited."""

import datetime as dt
import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.db import transaction

from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core import clock
from xinyong.core.errors import InvalidInput, NotFound

from .models import ApiToken, Department, Role, User
from .selectors import manageable_tokens, token_holders

TOKEN_PREFIX = "xy_"
MAX_TOKEN_DAYS = 3650  # tokens issued in the workbench expire within ten years


def _department_snapshot(department: Department) -> dict:
    return {
        "code": department.code,
        "name": department.name,
        "level": department.level,
        "parent": department.parent.code if department.parent else None,
        "unified_code": department.unified_code,
    }


@transaction.atomic
def upsert_department(
    *,
    actor: Actor,
    code: str,
    name: str,
    level: str | None = None,
    parent_code: str | None = None,
    unified_code: str | None = None,
) -> Department:
    """Create a department, or rename an existing one. Level, parent ("" for none) and unified code are
    changed only when given: a department that is a public body keeps its superior (R16) when someone
    merely renames it or adds a user to it."""
    if level is not None and level not in Department.Level.values:
        raise InvalidInput(f"部门层级“{level}”无效，可选：{'、'.join(Department.Level.values)}")
    department = Department.objects.filter(code=code).first()
    before = _department_snapshot(department) if department else None
    if department is None:
        department = Department(code=code, level=Department.Level.DISTRICT)
    department.name = name
    if level is not None:
        department.level = level
    if parent_code is not None:
        department.parent = get_department(parent_code) if parent_code else None
    if unified_code is not None:
        department.unified_code = unified_code
    department.save()
    after = _department_snapshot(department)
    if before != after:
        audit(
            actor=actor,
            action="department.save",
            object_type="department",
            object_id=code,
            before=before,
            after=after,
        )
    return department


def get_department(code: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise NotFound(f"部门“{code}”不存在")
    return department


def _roles(codes: list[str]) -> list[Role]:
    roles = list(Role.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {r.code for r in roles})
    if missing:
        known = "、".join(Role.objects.values_list("code", flat=True))
        raise InvalidInput(f"角色不存在：{'、'.join(missing)}；可选：{known}")
    return roles


@transaction.atomic
def create_user(
    *,
    actor: Actor,
    username: str,
    department: Department | None,
    roles: list[str],
    password: str | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    if User.objects.filter(username=username).exists():
        raise InvalidInput(f"用户“{username}”已存在")
    user = User(username=username, department=department, is_staff=is_staff, is_superuser=is_superuser)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.roles.set(_roles(roles))
    audit(
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=username,
        after={
            "department": department.code if department else None,
            "roles": sorted(roles),
            "is_staff": is_staff,
            "is_superuser": is_superuser,
        },
    )
    return user


@transaction.atomic
def change_password(*, actor: Actor, user: User, password: str) -> User:
    """Set a new password (validated by the caller's form with Django's validators); audited without it."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit(actor=actor, action="user.password", object_type="user", object_id=user.username)
    return user


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(*, actor: Actor, user: User, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token and return it with its plaintext, which is never stored and never shown again."""
    prefix = secrets.token_hex(6)
    plaintext = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    now = clock.now()
    lifetime = settings.XINYONG_TOKEN_DAYS if days is None else days
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        digest=_digest(plaintext),
        created_at=now,
        expires_at=now + dt.timedelta(days=lifetime) if lifetime > 0 else None,
    )
    audit(
        actor=actor,
        action="token.create",
        object_type="api_token",
        object_id=prefix,
        after={"user": user.username, "name": name, "expires_at": token.expires_at},
    )
    return token, plaintext


@transaction.atomic
def revoke_token(*, actor: Actor, prefix: str) -> ApiToken:
    token = ApiToken.objects.filter(prefix=prefix).first()
    if token is None:
        raise NotFound(f"令牌“{prefix}”不存在")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit(actor=actor, action="token.revoke", object_type="api_token", object_id=prefix)
    return token


def issue_token(*, actor: Actor, manager: User, holder_id: int, name: str, days: int) -> tuple[ApiToken, str]:
    """A token issued in the workbench by a token manager (roles.TOKEN_MANAGERS) to an account in its
    scope: its own department's staff, or anyone's for the credit office."""
    holder = token_holders(manager).filter(pk=holder_id).first()
    if holder is None:
        raise NotFound("该账号不存在或不属于本部门", code="user_not_found")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(f"有效期应在 1 到 {MAX_TOKEN_DAYS} 天之间", code="invalid_days")
    return create_token(actor=actor, user=holder, name=name.strip(), days=days)


def withdraw_token(*, actor: Actor, manager: User, prefix: str) -> ApiToken:
    """Revoke a token in the manager's scope (another department's is not found)."""
    if not manageable_tokens(manager).filter(prefix=prefix).exists():
        raise NotFound(f"令牌“{prefix}”不存在", code="token_not_found")
    return revoke_token(actor=actor, prefix=prefix)


# digest of a token -> (looked up at, monotonic; user with department and roles; token expiry). Every
# request would otherwise pay two queries (token and user, then roles) before doing anything.
_known_tokens: dict[str, tuple[float, User, dt.datetime | None]] = {}
MAX_KNOWN_TOKENS = 10_000


def forget_tokens(**kwargs) -> None:
    """Called on any change to users, roles, departments or tokens (signals): this process re-reads them;
    other processes do within XINYONG_TOKEN_CACHE_SECONDS."""
    _known_tokens.clear()


def user_for_token(plaintext: str) -> User | None:
    """The active user a bearer token belongs to, or None for an unknown, revoked or expired token."""
    digest = _digest(plaintext)
    known = _known_tokens.get(digest)
    if known is not None:
        looked_up, cached, cached_expiry = known
        fresh = time.monotonic() - looked_up < settings.XINYONG_TOKEN_CACHE_SECONDS
        if fresh and (cached_expiry is None or cached_expiry > clock.now()):
            return cached
    user, expires_at = _look_up_token(plaintext, digest)
    if user is not None and settings.XINYONG_TOKEN_CACHE_SECONDS > 0:
        if len(_known_tokens) >= MAX_KNOWN_TOKENS:
            _known_tokens.clear()
        user.role_codes()  # read now, so the cached user answers role checks without a query
        _known_tokens[digest] = (time.monotonic(), user, expires_at)
    return user


def _look_up_token(plaintext: str, digest: str) -> tuple[User | None, dt.datetime | None]:
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or f"{parts[0]}_" != TOKEN_PREFIX:
        return None, None
    token = ApiToken.objects.select_related("user__department").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.digest, digest):
        return None, None
    now = clock.now()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None, None
    if not token.user.is_active:
        return None, None
    # Writing last-use on every lookup would turn each read into a write; a minute's precision is enough.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token.expires_at
