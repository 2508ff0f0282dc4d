"""限期整改 and 约谈 (R19; 002 §8, §9): a department orders a subject to rectify by a deadline (a date, or
working days by the platform's calendar), follows its orders soonest due first with the working days left,
records the outcome, and records prompt or warning interviews (谁认定、谁约谈). As the API: read by
`GOVERNMENT`, written by `DEPARTMENTS`, each row the ordering department's (or the credit office's)."""

from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from xinyong.accounts.roles import DEPARTMENTS, GOVERNMENT
from xinyong.core.errors import NotFound
from xinyong.supervision.models import Interview, RectificationOrder
from xinyong.supervision.services import rectification
from xinyong.supervision.services.common import subject_for

from ..access import desk_page
from ..pages import render_page
from .common import may_post, page_of, submit, too_deep
from .forms import CompleteForm, InterviewForm, OrderForm, StatusFilter

SUBJECT_ERRORS = {"invalid_identifier": "subject", "subject_not_found": "subject", "invalid_deadline": "deadline"}


def _orders(user):
    return rectification.visible(RectificationOrder.objects.select_related("subject", "department"), user)


@desk_page(GOVERNMENT)
def orders(request):
    filters = StatusFilter(
        request.GET, choices=RectificationOrder.Status.choices, default=RectificationOrder.Status.OPEN
    )
    status = filters.value()
    found = _orders(request.user)
    if status:
        found = found.filter(status=status)
    page = page_of(request, found.order_by("deadline", "id"))
    if page is None:
        return too_deep(request)
    rows, pager = page
    context = {"rows": rows, "pager": pager, "filters": filters, "may_order": may_post(request.user, new_order)}
    return render_page(request, "desk/supervision/orders.html", context)


@desk_page(DEPARTMENTS)
@require_http_methods(["GET", "POST"])
def new_order(request):
    form = OrderForm(request.POST or None)
    if request.method == "POST":
        done = submit(
            request,
            form,
            lambda data: rectification.order_rectification(
                actor=request.actor,
                user=request.user,
                subject=subject_for(data["subject"]),
                document_number=data["document_number"],
                reason=data["reason"],
                requirements=data["requirements"],
                deadline=data["deadline"],
                working_days=data["working_days"],
            ),
            done=lambda o: f"已下达整改通知 {o.number}，整改期限 {o.deadline:%Y-%m-%d}，已记入主体信用记录。",
            to=lambda o: reverse("desk:rectification", args=[o.pk]),
            codes=SUBJECT_ERRORS,
        )
        if done:
            return done
    return render_page(request, "desk/supervision/order_new.html", {"form": form}, status=422 if form.errors else 200)


def _order(user, order_id: int) -> RectificationOrder:
    found = _orders(user).filter(pk=order_id).first()
    if found is None:
        raise NotFound("整改通知不存在", code="rectification_not_found")
    return found


def _order_page(request, order_id: int, *, complete_form=None, interview_form=None, status=200):
    order = _order(request.user, order_id)
    interview_form = interview_form or InterviewForm(prefix="interview", initial={"order": order.pk})
    context = {
        "o": order,
        "interviews": order.interviews.order_by("-held_on", "-id"),
        "may_complete": order.status == RectificationOrder.Status.OPEN
        and may_post(request.user, complete, order.department_id),
        "may_interview": may_post(request.user, new_interview, order.department_id),
        "complete_form": complete_form or CompleteForm(prefix="complete"),
        "interview_form": interview_form,
    }
    return render_page(request, "desk/supervision/order.html", context, status=status)


@desk_page(GOVERNMENT)
def order(request, order_id: int):
    return _order_page(request, order_id)


@desk_page(DEPARTMENTS)
@require_POST
def complete(request, order_id: int):
    _order(request.user, order_id)
    form = CompleteForm(request.POST, prefix="complete")
    done = submit(
        request,
        form,
        lambda data: rectification.complete(
            actor=request.actor,
            user=request.user,
            order_id=order_id,
            note=data["note"],
            rectified_on=data["rectified_on"],
        ),
        done=lambda o: f"已确认整改完成（{o.rectified_on:%Y-%m-%d}），信用记录已更新。",
        to=reverse("desk:rectification", args=[order_id]),
    )
    return done or _order_page(request, order_id, complete_form=form, status=422)


@desk_page(GOVERNMENT)
def interviews(request):
    found = rectification.visible(Interview.objects.select_related("subject", "department", "order"), request.user)
    page = page_of(request, found.order_by("-held_on", "-id"))
    if page is None:
        return too_deep(request)
    rows, pager = page
    context = {"rows": rows, "pager": pager, "form": InterviewForm(prefix="interview")}
    context["may_interview"] = may_post(request.user, new_interview)
    return render_page(request, "desk/supervision/interviews.html", context)


@desk_page(DEPARTMENTS)
@require_POST
def new_interview(request):
    """From the interviews page, or from an order's page (then linked to that order)."""
    form = InterviewForm(request.POST, prefix="interview")
    order_id = form.data.get("interview-order") or None
    back = reverse("desk:rectification", args=[order_id]) if order_id else reverse("desk:interviews")
    done = submit(
        request,
        form,
        lambda data: rectification.hold_interview(
            actor=request.actor,
            user=request.user,
            subject=_order(request.user, data["order"]).subject if data["order"] else subject_for(data["subject"]),
            kind=data["kind"],
            content=data["content"],
            held_on=data["held_on"],
            interviewees=data["interviewees"],
            order_id=data["order"],
        ),
        done=lambda i: f"已录入{i.get_kind_display()}（{i.number}），已记入主体信用记录。",
        to=back,
        codes={**SUBJECT_ERRORS, "invalid_date": "held_on", "content_required": "content"},
    )
    if done:
        return done
    if order_id and str(order_id).isdigit():
        return _order_page(request, int(order_id), interview_form=form, status=422)
    found = rectification.visible(Interview.objects.select_related("subject", "department"), request.user)
    page = page_of(request, found.order_by("-held_on", "-id"))
    rows, pager = page or ([], None)
    context = {"rows": rows, "pager": pager, "form": form, "may_interview": True}
    return render_page(request, "desk/supervision/interviews.html", context, status=422)
