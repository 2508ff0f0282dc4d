"""Registration (`/my/register/`) and the company's users (`/my/accounts/`): thin views over
`services.accounts`, which holds every rule (identity check, one account per representative, validators)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xinyong.audit.services import Actor
from xinyong.core.errors import DomainError
from xinyong.core.form_errors import put_on_form

from . import forms, selectors
from .access import my_page
from .models import SubjectAccount
from .services import accounts

PUBLIC = Actor(name="public", channel="my")
FORMS = {"company": forms.CompanyRegistration, "person": forms.PersonRegistration}


@never_cache
@require_http_methods(["GET", "POST"])
def register(request):
    kind = request.GET.get("kind") if request.GET.get("kind") in FORMS else "company"
    form = FORMS[kind](request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "password2"}
        try:
            account = accounts.register(actor=PUBLIC, kind=kind, **data)
        except DomainError as error:
            put_on_form(form, error)
        else:
            return render(request, "my/registered.html", {"account": account}, status=201)
    return render(request, "my/register.html", {"form": form, "kind": kind}, status=422 if form.errors else 200)


@my_page
@require_http_methods(["GET", "POST"])
def users(request):
    account = request.account
    representative = account is not None and account.kind == SubjectAccount.Kind.REPRESENTATIVE
    form = forms.Agent(request.POST or None) if representative else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "password2"}
        try:
            agent = accounts.add_agent(actor=request.actor, user=request.user, **data)
        except DomainError as error:
            put_on_form(form, error)
        else:
            messages.success(request, f"已添加经办人 {agent.person_name}（登录用户名 {agent.user.username}）。")
            return redirect("my:accounts")
    context = {"accounts": selectors.accounts(request.subject), "form": form, "representative": representative}
    return render(request, "my/accounts.html", context, status=422 if form is not None and form.errors else 200)


@my_page(representative=True)
@require_POST
def remove_user(request, account_id: int):
    removed = accounts.remove_agent(actor=request.actor, user=request.user, account_id=account_id)
    messages.success(request, f"已停用经办人 {removed.person_name} 的账号。")
    return redirect("my:accounts")
