"""Bearer-token authentication with role checks, for every non-public API endpoint (architecture §4)."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core.errors import Forbidden

from .models import Role
from .services import user_for_token

ROLE_NAMES = {
    Role.CREDIT_OFFICE: "信用办",
    Role.PROVIDER: "信息提供单位",
    Role.INITIATOR: "发起部门",
    Role.IMPLEMENTER: "实施部门",
    Role.AUDITOR: "审计员",
    Role.SUBJECT: "信用主体",
    Role.PERSONNEL: "组织人事部门",
    Role.DISCIPLINE: "纪检监察机关",
    Role.CREDIT_AGENCY: "信用服务机构",
    "association": "行业协会商会",
    "financial_institution": "金融机构",
}


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


def roles(*codes: str, audit_denied: bool = False) -> RoleAuth:
    return RoleAuth(*codes, audit_denied=audit_denied)
