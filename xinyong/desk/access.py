"""Who may open a workbench page: a signed-in user with a department role, and per page the role set the
matching API endpoint uses (taken from the same constants, so one rule decides both).

`desk_page(roles)` keeps the set on the view (`view.roles`); the navigation reads it from there, so an
entry is shown exactly to the users its page admits. Domain errors a page's service raises become the
workbench's Chinese 403/404 pages or, for bad input, are left to the view's form.
"""

from collections.abc import Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login

from xinyong.accounts.roles import ROLE_NAMES
from xinyong.accounts.selectors import works_at_desk
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core.errors import Forbidden, NotFound

from .pages import render_page

NOT_STAFF = "该账号不是部门工作人员账号，不能使用信用工作台。如需开通，请联系本部门管理员或信用办分配角色。"


def refused(request, *, reason: str = "", wanted: Iterable[str] = ()):
    names = "、".join(ROLE_NAMES.get(code, code) for code in sorted(wanted))
    context = {"base_template": "desk/base.html", "reason": reason, "wanted": names}
    return render_page(request, "layout/403.html", context, status=403)


def not_found(request, message: str = ""):
    return render_page(request, "desk/404.html", {"message": message}, status=404)


def desk_page(roles: Iterable[str] = (), *, audit_denied: bool = False):
    """A workbench view: signed in (else the sign-in page, coming back here), department staff, and holding
    one of `roles` when given. `request.actor` is the signed-in user acting through the workbench.
    `audit_denied`: a refused attempt is evidence in itself (R29, R31) and is audited as the API's
    `roles(..., audit_denied=True)` audits it."""
    wanted = frozenset(roles)

    def decorate(view):
        @wraps(view)
        def page(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not works_at_desk(user):
                return refused(request, reason=NOT_STAFF)
            if wanted and not user.has_role(*wanted):
                if audit_denied:
                    _audit_refusal(request, wanted)
                return refused(request, wanted=wanted)
            request.actor = Actor.of(user, channel="desk")
            try:
                return view(request, *args, **kwargs)
            except Forbidden as error:
                return refused(request, reason=error.message)
            except NotFound as error:
                return not_found(request, error.message)

        page.roles = wanted
        return page

    return decorate


def _audit_refusal(request, wanted: frozenset[str]) -> None:
    audit(
        actor=Actor.of(request.user, channel="desk"),
        action="access.denied",
        object_type="page",
        object_id=request.path[:64],
        after={"method": request.method, "required": sorted(wanted)},
    )
