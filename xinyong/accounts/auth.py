"""Bearer-token authentication with role checks, for every non-public API endpoint (architecture §4)."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core.errors import Forbidden

from .roles import ROLE_NAMES
from .services import user_for_token


class RoleAuth(HttpBearer):
    """Accepts a valid token whose user holds at least one of `roles` (any role if none given).

    The role set is kept on the instance so the permission-matrix test can read, for every
    endpoint, who is meant to reach it.
    """

    def __init__(self, *roles: str, audit_denied: bool = False):
        super().__init__()
        self.roles = frozenset(roles)
        self.audit_denied = audit_denied

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is None:
            return None
        if self.roles and not user.has_role(*self.roles):
            if self.audit_denied:
                # Attempts on sensitive data are evidence in themselves (R29, R31).
                audit(
                    actor=Actor.of(user),
                    action="access.denied",
                    object_type="endpoint",
                    object_id=request.path[:64],
                    after={"method": request.method, "required": sorted(self.roles)},
                )
            wanted = "、".join(ROLE_NAMES.get(r, r) for r in sorted(self.roles))
            raise Forbidden(f"该操作需要以下角色之一：{wanted}", code="forbidden_role")
        request.actor = Actor.of(user)
        return user


def roles(*codes: str | frozenset[str], audit_denied: bool = False) -> RoleAuth:
    """Admit holders of any of these roles: codes, or groups of `accounts.roles` (`roles(TASK_READERS)`)."""
    flat = [code for item in codes for code in ([item] if isinstance(item, str) else item)]
    return RoleAuth(*flat, audit_denied=audit_denied)


AUTHENTICATED = RoleAuth()
