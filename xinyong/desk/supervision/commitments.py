"""信用承诺 (R17; 002 §1): the commitments a department accepted, soonest due first with the working days
left, and on each one's page its fulfilment confirmed or its breach found — a breach becomes the subject's
`commitment_breach` dishonesty record, as `POST /commitments/{id}/breach` makes it. The role sets are the
API's (`COMMITMENT_READERS` but subjects read, `DEPARTMENTS` act), the department rule the service's."""

from django.db.models import F
from django.urls import reverse
from django.views.decorators.http import require_POST

from xinyong.accounts.roles import COMMITMENT_READERS, DEPARTMENTS, SUBJECT
from xinyong.core.errors import NotFound
from xinyong.supervision.models import Commitment
from xinyong.supervision.services import commitments

from ..access import desk_page
from ..pages import render_page
from .common import may_post, page_of, submit, too_deep
from .forms import BreachForm, FulfilForm, StatusFilter

# The API's readers but a subject, whose own commitments are on /my/ (the workbench admits no subject).
READERS = COMMITMENT_READERS - {SUBJECT}


@desk_page(READERS)
def roster(request):
    filters = StatusFilter(request.GET, choices=Commitment.Status.choices, default=Commitment.Status.PENDING)
    status = filters.value()
    found = commitments.visible_to(request.user)
    if status:
        found = found.filter(status=status)
    found = found.order_by(F("due_on").asc(nulls_last=True), "id")
    page = page_of(request, found)
    if page is None:
        return too_deep(request)
    rows, pager = page
    context = {"rows": rows, "pager": pager, "filters": filters, "status": status}
    return render_page(request, "desk/supervision/commitments.html", context)


def _visible(user, commitment_id: int) -> Commitment:
    found = commitments.visible_to(user).select_related("record", "breach_record").filter(pk=commitment_id).first()
    if found is None:
        raise NotFound("信用承诺不存在", code="commitment_not_found")
    return found


def _page(request, commitment_id: int, *, fulfil_form=None, breach_form=None, status=200):
    found = _visible(request.user, commitment_id)
    context = {
        "c": found,
        "may_resolve": found.status == Commitment.Status.PENDING
        and may_post(request.user, breach, found.department_id),
        "fulfil_form": fulfil_form or FulfilForm(prefix="fulfil"),
        "breach_form": breach_form or BreachForm(prefix="breach"),
    }
    return render_page(request, "desk/supervision/commitment.html", context, status=status)


@desk_page(READERS)
def commitment(request, commitment_id: int):
    return _page(request, commitment_id)


def _here(commitment_id: int) -> str:
    return reverse("desk:commitment", args=[commitment_id])


@desk_page(DEPARTMENTS)
@require_POST
def fulfil(request, commitment_id: int):
    _visible(request.user, commitment_id)  # another department's: as if it did not exist
    form = FulfilForm(request.POST, prefix="fulfil")
    done = submit(
        request,
        form,
        lambda data: commitments.fulfil(
            actor=request.actor, user=request.user, commitment_id=commitment_id, note=data["note"]
        ),
        done="已确认践诺，承诺信息已更新为“已践诺”。",
        to=_here(commitment_id),
    )
    return done or _page(request, commitment_id, fulfil_form=form, status=422)


@desk_page(DEPARTMENTS)
@require_POST
def breach(request, commitment_id: int):
    _visible(request.user, commitment_id)
    form = BreachForm(request.POST, prefix="breach")
    done = submit(
        request,
        form,
        lambda data: commitments.record_breach(
            actor=request.actor,
            user=request.user,
            commitment_id=commitment_id,
            reason=data["reason"],
            breach_kind=data["breach_kind"],
        ),
        done=lambda c: f"已认定违诺，生成失信信息（{c.breach_record.category.name}，编号 {c.number}-WN）。",
        to=_here(commitment_id),
        fields={"note": "reason"},
        codes={"reason_required": "reason", "invalid_breach_kind": "breach_kind"},
    )
    return done or _page(request, commitment_id, breach_form=form, status=422)
