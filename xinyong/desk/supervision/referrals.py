"""重点关注对象名单提请 (R8; 002 §8): subjects put forward by their grade or an overdue rectification; the
credit office lists them (the watch-list entry is made by `watch.accept`) or dismisses the referral with
its reason. As the API: read by `OVERSEERS`, decided by the credit office alone."""

from django.urls import reverse
from django.views.decorators.http import require_POST

from xinyong.accounts.models import Role
from xinyong.accounts.roles import OVERSEERS
from xinyong.supervision.models import WatchReferral
from xinyong.supervision.services import watch

from ..access import desk_page
from ..pages import render_page
from .common import may_post, page_of, submit, too_deep
from .forms import AcceptForm, DismissForm, StatusFilter

OFFICE = {Role.CREDIT_OFFICE}


def _page(request, *, failed: dict | None = None, status=200):
    filters = StatusFilter(request.GET, choices=WatchReferral.Status.choices, default=WatchReferral.Status.OFFERED)
    state = filters.value()
    found = WatchReferral.objects.select_related("subject", "order", "entry__list_type")
    if state:
        found = found.filter(status=state)
    page = page_of(request, found.order_by("created_at", "id"))
    if page is None:
        return too_deep(request)
    rows, pager = page
    may_decide = may_post(request.user, accept)
    failed = failed or {}
    items = [
        {
            "r": r,
            "accept": failed.get(("accept", r.pk)) or AcceptForm(prefix=f"accept{r.pk}"),
            "dismiss": failed.get(("dismiss", r.pk)) or DismissForm(prefix=f"dismiss{r.pk}"),
        }
        for r in rows
    ]
    context = {"items": items, "pager": pager, "filters": filters, "may_decide": may_decide}
    return render_page(request, "desk/supervision/referrals.html", context, status=status)


@desk_page(OVERSEERS)
def referrals(request):
    return _page(request)


def _decide(request, referral_id: int, kind: str, form, act, done: str):
    answer = submit(request, form, act, done=done, to=reverse("desk:referrals"), fields={"note": "note"})
    return answer or _page(request, failed={(kind, referral_id): form}, status=422)


@desk_page(OFFICE)
@require_POST
def accept(request, referral_id: int):
    form = AcceptForm(request.POST, prefix=f"accept{referral_id}")
    return _decide(
        request,
        referral_id,
        "accept",
        form,
        lambda data: watch.accept(actor=request.actor, user=request.user, referral_id=referral_id, note=data["note"]),
        "已决定列入重点关注对象名单，名单条目已发布并推送相关部门。",
    )


@desk_page(OFFICE)
@require_POST
def dismiss(request, referral_id: int):
    form = DismissForm(request.POST, prefix=f"dismiss{referral_id}")
    return _decide(
        request,
        referral_id,
        "dismiss",
        form,
        lambda data: watch.dismiss(
            actor=request.actor, user=request.user, referral_id=referral_id, reason=data["note"]
        ),
        "已决定不予列入，理由已记录。",
    )
