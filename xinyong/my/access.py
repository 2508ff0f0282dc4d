"""Who may open a 我的信用 page: a signed-in, active user holding the `subject` role and bound to a subject
(`my_page`), and for the agents page its legal representative (`representative=True`). Every page reads
through `request.subject`, the signed-in user's own subject and nothing else, so an id changed in a URL or a
form that belongs to another subject is simply not found."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from xinyong.accounts.models import Role
from xinyong.audit.services import Actor
from xinyong.core.errors import Forbidden, NotFound

from .models import SubjectAccount

NOT_SUBJECT = "该账号不是信用主体账号。部门工作人员请使用信用工作台；企业或个人请先注册信用主体账号。"
NOT_BOUND = "该账号尚未绑定信用主体，请等待信用办审核通过后再使用。"
NOT_REPRESENTATIVE = "只有企业法定代表人账号可以管理经办人。"


def refused(request, reason: str, status: int = 403):
    return render(request, "layout/403.html", {"base_template": "my/base.html", "reason": reason}, status=status)


def not_found(request, message: str = ""):
    return render(request, "my/404.html", {"message": message}, status=404)


def my_page(view=None, *, representative: bool = False):
    def decorate(view):
        @wraps(view)
        def page(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.has_role(Role.SUBJECT):
                return refused(request, NOT_SUBJECT)
            if user.subject_id is None:
                return refused(request, NOT_BOUND)
            account = SubjectAccount.objects.filter(user=user).first()
            if representative and (account is None or account.kind != SubjectAccount.Kind.REPRESENTATIVE):
                return refused(request, NOT_REPRESENTATIVE)
            request.subject, request.account = user.subject, account
            request.actor = Actor.of(user, channel="my")
            try:
                return view(request, *args, **kwargs)
            except Forbidden as error:
                return refused(request, error.message)
            except NotFound as error:
                return not_found(request, error.message)

        return page

    return decorate(view) if view is not None else decorate
