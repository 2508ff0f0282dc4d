"""账户审核 (`/desk/accounts/`): the credit office approves or rejects the subject registrations the identity
check could not confirm (我的信用's registrations, xinyong/my/). A workbench page (desk_page); the service
decides who may."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from xinyong.accounts.roles import ACCOUNT_REVIEWERS
from xinyong.core.errors import DomainError
from xinyong.my import forms, selectors
from xinyong.my.services import accounts

from .access import desk_page
from .pages import render_page

REVIEWERS = ACCOUNT_REVIEWERS


@desk_page(REVIEWERS)
@require_http_methods(["GET"])
def pending(request):
    context = {
        "pending": selectors.pending_accounts(),
        "decided": selectors.decided_accounts(),
        "reason_form": forms.Reason(),
    }
    return render_page(request, "desk/accounts.html", context)


@desk_page(REVIEWERS)
@require_POST
def approve(request, account_id: int):
    try:
        done = accounts.approve(actor=request.actor, user=request.user, account_id=account_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已通过 {done.claimed_name} 的账号申请（{done.user.username}）。")
    return redirect("desk:accounts")


@desk_page(REVIEWERS)
@require_POST
def reject(request, account_id: int):
    form = forms.Reason(request.POST)
    if not form.is_valid():
        messages.error(request, "不予通过须说明理由。")
        return redirect("desk:accounts")
    try:
        done = accounts.reject(
            actor=request.actor, user=request.user, account_id=account_id, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已退回 {done.claimed_name} 的账号申请。")
    return redirect("desk:accounts")
