from django.db.models import QuerySet

from xinyong.core.errors import Forbidden

from .models import ApiToken, Department, Role, User
from .roles import OVERSEERS


def department_of(user: User) -> Department:
    """The department a user acts for; department-bound operations refuse users without one."""
    if user.department is None:
        raise Forbidden("该账号未归属任何部门，不能执行部门操作", code="no_department")
    return user.department


def oversees(user: User, overseers=OVERSEERS) -> bool:
    """Superusers and the overseeing roles (by default the credit office and auditors) see every
    department's work."""
    return user.is_superuser or user.has_role(*overseers)


def rows_visible_to(
    queryset: QuerySet, user: User, *, department_field: str, subject_field: str = "", overseers=OVERSEERS
) -> QuerySet:
    """The rows a user may see (least privilege, R29): all of them for superusers and the overseeing roles
    (the credit office, auditors); a subject's own account its own rows (where `subject_field` names them);
    anyone else its department's rows (`department_field`), and nothing without a department."""
    if oversees(user, overseers):
        return queryset
    if subject_field and user.has_role(Role.SUBJECT) and user.subject_id:
        return queryset.filter(**{subject_field: user.subject_id})
    if user.department_id is None:
        return queryset.none()
    return queryset.filter(**{department_field: user.department_id})


def works_at_desk(user: User) -> bool:
    """Department staff: an active user holding any role but a subject's. No `is_staff` flag is needed —
    that one only opens Django's admin."""
    return user.is_active and bool(user.role_codes() - {Role.SUBJECT})


def manageable_tokens(user: User) -> QuerySet:
    """The API tokens a token manager may see and revoke, newest first."""
    tokens = ApiToken.objects.select_related("user__department").order_by("-created_at", "-id")
    return rows_visible_to(tokens, user, department_field="user__department", overseers=(Role.CREDIT_OFFICE,))


def token_holders(user: User) -> QuerySet:
    """The accounts a token manager may issue tokens to: active department staff in its scope."""
    staff = User.objects.filter(is_active=True).exclude(roles__code=Role.SUBJECT).filter(roles__isnull=False)
    staff = staff.distinct().select_related("department").order_by("department__code", "username")
    return rows_visible_to(staff, user, department_field="department", overseers=(Role.CREDIT_OFFICE,))


def active_departments() -> QuerySet[Department]:
    """The departments a page may choose from (to filter by, to assign to), by code."""
    return Department.objects.filter(is_active=True).order_by("code")
