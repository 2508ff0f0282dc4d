"""Sign-in, sign-out and password change for everyone who is not the anonymous public (architecture §4b):
staff land on the workbench `/desk/`, subjects on `/my/`."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from xinyong.audit.services import Actor

from . import selectors, services
from .forms import SignInForm
from .models import Role

sign_in = auth_views.LoginView.as_view(template_name="accounts/login.html", form_class=SignInForm)
sign_out = auth_views.LogoutView.as_view(next_page="accounts:login")


@login_required
def landing(request):
    """Where a signed-in user belongs: the workbench for department staff, 我的信用 for a subject's account,
    otherwise a page saying the account has no role to work with."""
    user = request.user
    if selectors.works_at_desk(user):
        return redirect("desk:home")
    if user.has_role(Role.SUBJECT):
        return redirect("my:home")
    return render(
        request,
        "layout/403.html",
        {"reason": "该账号尚未分配任何角色，请联系本部门管理员或信用办分配角色后再登录。"},
        status=403,
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_password(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.change_password(
            actor=Actor.of(request.user, channel="account"),
            user=request.user,
            password=form.cleaned_data["new_password1"],
        )
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改。")
        return redirect("accounts:landing")
    return render(request, "accounts/password.html", {"form": form})
