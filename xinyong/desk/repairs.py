"""信用修复 (R21, architecture §4b): the queue of repair applications for the department that decided the
record or entry (谁认定、谁修复), due first with the working days left; each application's conditions as a
checklist against what the subject supplied, with the earliest and latest dates its rules allow; approval
shows the repair note that will be published before it is confirmed, refusal needs a reason — both
`rights.services.decide_repair`, as through the API. The credit repair notice (两书同达) prints as a PDF."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from xinyong.accounts.roles import REPAIR_NOTICE_READERS, RIGHTS_HANDLERS, RIGHTS_READERS, SUBJECT
from xinyong.core import clock
from xinyong.core.deadlines import deadline, warning_days
from xinyong.core.errors import DomainError
from xinyong.my.selectors import repair_documents
from xinyong.portal import repair_notice
from xinyong.rights import selectors, services
from xinyong.rights.models import Repair

from .access import desk_page
from .form_errors import put_on_form
from .pages import render_page
from .queues import queue_page
from .rights_forms import RepairDecision

# As the API's repair endpoints: deciding is the deciding department's (or the credit office's); reading
# also the auditors'. The notice: as GET /records/{id}/repair-notice (its provider, the credit office).
READ = RIGHTS_READERS - {SUBJECT}
DECIDE = RIGHTS_HANDLERS
NOTICE = REPAIR_NOTICE_READERS - {SUBJECT}


@desk_page(READ)
def queue(request):
    context, refused = queue_page(
        request, selectors.visible_repairs(request.user), model=Repair, url_name="desk:repairs"
    )
    return refused or render_page(request, "desk/repairs/queue.html", context)


def _repair_page(request, repair_id: int, form=None, *, note: str = "", status=200):
    repair = selectors.visible_repair(request.user, repair_id)
    may_decide = selectors.may_decide(request.user, repair)
    review = selectors.repair_review(repair)
    documents = repair_documents(repair.pk)
    context = {
        "review": review,
        # Each condition beside the documents the subject filed against it; those filed against none last.
        "checklist": [(c, [d for d in documents if d.condition == c.code]) for c in review.conditions],
        "other_documents": [d for d in documents if d.condition not in {c.code for c in review.conditions}],
        "repair": repair,
        "deadline": deadline(repair.due_on, clock.today(), warning=warning_days()),
        "form": (form or RepairDecision()) if may_decide else None,
        "note": note,  # the repair note an approval will publish, shown to confirm
        "published": getattr(repair, "note", None) if repair.status == Repair.Status.APPROVED else None,
    }
    return render_page(request, "desk/repairs/repair.html", context, status=status)


@desk_page(READ)
def repair(request, repair_id: int):
    return _repair_page(request, repair_id)


@desk_page(DECIDE)
@require_POST
def decide(request, repair_id: int):
    """Refusal is decided at once; approval first shows the repair note (step `preview`), then publishes it
    (step `confirm`)."""
    found = selectors.visible_repair(request.user, repair_id)  # another department's: not found
    form = RepairDecision(request.POST)
    if not form.is_valid():
        return _repair_page(request, repair_id, form=form, status=422)
    approve, reason = form.cleaned_data["approve"], form.cleaned_data["reason"]
    if approve and request.POST.get("step") != "confirm" and selectors.may_decide(request.user, found):
        return _repair_page(request, repair_id, form=form, note=services.repair_note_text(found, clock.today()))
    try:
        decided = services.decide_repair(
            actor=request.actor, user=request.user, repair_id=repair_id, approve=approve, reason=reason
        )
    except DomainError as error:
        if not selectors.may_decide(request.user, found):  # decided meanwhile: say so above the page
            messages.error(request, error.message)
            return redirect("desk:repair", repair_id)
        put_on_form(form, error, codes={"reason_required": "reason"})
        return _repair_page(request, repair_id, form=form, status=422)
    if decided.status == Repair.Status.APPROVED:
        messages.success(request, "已准予修复：停止公示，相关名单条目移出、措施解除，修复说明已在信用门户公示。")
    else:
        messages.success(request, "已决定不予修复，理由将告知申请人。")
    return redirect("desk:repair", repair_id)


@desk_page(NOTICE)
def notice(request, record_id: int):
    """信用修复告知书 (两书同达) of a penalty record, as a PDF to print."""
    record = services.notice_record(request.user, record_id)
    body = services.repair_notice(record)
    pdf = repair_notice.render(body, issuer=record.provider.name, issued_on=f"{clock.today():%Y年%m月%d日}")
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"信用修复告知书-{record.decision_number or record.pk}.pdf"
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response
