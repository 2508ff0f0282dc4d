"""行业协会商会 (R27; 002 §11): an association keeps its members' credit file and records the industry
measures it takes on them (警告、通报批评、公开谴责、不予接纳、劝退), and revokes one with its reason. As the
API: `ASSOCIATION_KEEPERS` — an association's own accounts for their association, the credit office any."""

from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from xinyong.accounts.models import Role
from xinyong.accounts.roles import ASSOCIATION_KEEPERS
from xinyong.core.errors import NotFound
from xinyong.supervision.models import Association, IndustryMeasure, IndustryMeasureKind, Membership
from xinyong.supervision.services import associations
from xinyong.supervision.services.common import subject_for

from ..access import desk_page
from ..pages import render_page
from .common import submit
from .forms import IndustryMeasureForm, MemberForm, RevokeMeasureForm

SUBJECT_ERRORS = {"invalid_identifier": "subject", "subject_not_found": "subject", "not_a_member": "subject"}


@desk_page(ASSOCIATION_KEEPERS)
def index(request):
    """An association's account goes to its association; the credit office chooses one."""
    own = Association.objects.filter(department_id=request.user.department_id, is_active=True).first()
    if own is not None and not request.user.has_role(Role.CREDIT_OFFICE):
        return redirect("desk:association", own.code)
    found = Association.objects.filter(is_active=True).order_by("code")
    return render_page(request, "desk/supervision/associations.html", {"associations": found})


def _association(user, code: str) -> Association:
    found = associations.get_association(code)
    associations.require_association_user(user, found)
    return found


def _page(request, code: str, *, member_form=None, measure_form=None, revoke_form=None, status=200):
    found = _association(request.user, code)
    kinds = IndustryMeasureKind.objects.order_by("sort_order", "severity")
    context = {
        "association": found,
        "members": Membership.objects.filter(association=found).select_related("subject").order_by("status", "-id"),
        "measures": IndustryMeasure.objects.filter(association=found)
        .select_related("subject", "kind")
        .order_by("-decided_on", "-id"),
        "member_form": member_form or MemberForm(prefix="member"),
        "measure_form": measure_form or IndustryMeasureForm(prefix="measure", kinds=kinds),
        "revoke_form": revoke_form or RevokeMeasureForm(prefix="revoke"),
    }
    return render_page(request, "desk/supervision/association.html", context, status=status)


@desk_page(ASSOCIATION_KEEPERS)
def association(request, code: str):
    return _page(request, code)


def _here(code: str, anchor: str) -> str:
    return reverse("desk:association", args=[code]) + anchor


@desk_page(ASSOCIATION_KEEPERS)
@require_POST
def new_member(request, code: str):
    form = MemberForm(request.POST, prefix="member")
    done = submit(
        request,
        form,
        lambda data: associations.add_member(
            actor=request.actor,
            user=request.user,
            association_code=code,
            subject=subject_for(data["subject"]),
            member_number=data["member_number"],
            joined_on=data["joined_on"],
        ),
        done=lambda m: f"已登记会员：{m.subject.name}。",
        to=_here(code, "#members"),
        codes={**SUBJECT_ERRORS, "already_member": "subject", "expelled_member": "subject"},
    )
    return done or _page(request, code, member_form=form, status=422)


@desk_page(ASSOCIATION_KEEPERS)
@require_POST
def new_measure(request, code: str):
    kinds = IndustryMeasureKind.objects.order_by("sort_order", "severity")
    form = IndustryMeasureForm(request.POST, prefix="measure", kinds=kinds)
    done = submit(
        request,
        form,
        lambda data: associations.apply_measure(
            actor=request.actor,
            user=request.user,
            association_code=code,
            subject=subject_for(data["subject"]),
            kind_code=data["kind"],
            document_number=data["document_number"],
            reason=data["reason"],
            decided_on=data["decided_on"],
            ends_on=data["ends_on"],
        ),
        done=lambda m: f"已对{m.subject.name}实施行业性惩戒：{m.kind.name}。",
        to=_here(code, "#measures"),
        codes={**SUBJECT_ERRORS, "invalid_date": "decided_on", "invalid_period": "ends_on"},
    )
    return done or _page(request, code, measure_form=form, status=422)


@desk_page(ASSOCIATION_KEEPERS)
@require_POST
def revoke_measure(request, measure_id: int):
    measure = IndustryMeasure.objects.select_related("association").filter(pk=measure_id).first()
    if measure is None:
        raise NotFound("行业性惩戒不存在", code="industry_measure_not_found")
    code = measure.association.code
    _association(request.user, code)  # another association's: refused before anything is read
    form = RevokeMeasureForm(request.POST, prefix="revoke")
    done = submit(
        request,
        form,
        lambda data: associations.revoke_measure(
            actor=request.actor, user=request.user, measure_id=measure_id, reason=data["reason"]
        ),
        done="已撤销该行业性惩戒。",
        to=_here(code, "#measures"),
    )
    return done or _page(request, code, revoke_form=form, status=422)
