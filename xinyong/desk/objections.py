"""异议处理 (R20, architecture §4b): the queue of objections the department must verify, due first with the
working days left; each objection beside the record or entry it contests; the decision — upheld (the item
corrected or revoked, the implementers told) or rejected with a reason — is `rights.services.decide_objection`,
as through the API. The credit office sees every department's queue and their on-time rates."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from xinyong.accounts.roles import RIGHTS_HANDLERS, RIGHTS_READERS, SUBJECT
from xinyong.accounts.selectors import oversees
from xinyong.core import clock
from xinyong.core.deadlines import deadline, warning_days
from xinyong.core.errors import DomainError
from xinyong.my.selectors import objection_documents
from xinyong.notices.models import Task
from xinyong.notices.selectors import entry_tasks
from xinyong.portal.reports import record_line
from xinyong.rights import selectors, services
from xinyong.rights.models import Objection

from .access import desk_page
from .form_errors import put_on_form
from .pages import render_page
from .queues import queue_page
from .rights_forms import ObjectionDecision

# As the API's objection endpoints: deciding is a handler's (the department that provided or decided the
# item, or the credit office); reading also the auditors'. Subjects use /my/, not the workbench.
READ = RIGHTS_READERS - {SUBJECT}
DECIDE = RIGHTS_HANDLERS
TOLD = (Task.Action.SUSPEND, Task.Action.RESUME, Task.Action.REVOKE)


@desk_page(READ)
def queue(request):
    context, refused = queue_page(
        request, selectors.visible_objections(request.user), model=Objection, url_name="desk:objections"
    )
    return refused or render_page(request, "desk/objections/queue.html", context)


def _objection_page(request, objection_id: int, form=None, status=200):
    objection = selectors.visible_objection(request.user, objection_id)
    may_decide = selectors.may_decide(request.user, objection)
    if form is None and may_decide:
        form = ObjectionDecision(about_entry=objection.entry_id is not None)
    record = objection.record
    context = {
        "objection": objection,
        "record": record,
        "line": record_line({"fields": record.fields}) if record else None,
        "entry": objection.entry,
        "entry_link": objection.entry_id is not None
        and (request.user.department_id == objection.entry.initiator_id or oversees(request.user)),
        "deadline": deadline(objection.due_on, clock.today(), warning=warning_days()),
        "form": form if may_decide else None,
        "documents": objection_documents(objection.pk),
        # What the departments were told since the filing: measures suspended, then resumed or ended.
        "told": entry_tasks(selectors.entries_concerned(objection), actions=TOLD, since=objection.filed_at),
    }
    return render_page(request, "desk/objections/objection.html", context, status=status)


@desk_page(READ)
def objection(request, objection_id: int):
    return _objection_page(request, objection_id)


@desk_page(DECIDE)
@require_POST
def decide(request, objection_id: int):
    found = selectors.visible_objection(request.user, objection_id)  # another department's: not found
    form = ObjectionDecision(request.POST, about_entry=found.entry_id is not None)
    if form.is_valid():
        try:
            decided = services.decide_objection(
                actor=request.actor, user=request.user, objection_id=objection_id, **form.decision()
            )
        except DomainError as error:
            if not selectors.may_decide(request.user, found):  # decided meanwhile: say so above the page
                messages.error(request, error.message)
                return redirect("desk:objection", objection_id)
            put_on_form(form, error)
        else:
            messages.success(request, _decided_message(decided))
            return redirect("desk:objection", objection_id)
    return _objection_page(request, objection_id, form=form, status=422)


def _decided_message(objection: Objection) -> str:
    if objection.status == Objection.Status.REJECTED:
        return "已办结：异议不成立，异议标注已解除，相关措施恢复，已告知相关部门。"
    return f"已办结：异议成立，该信息{objection.get_outcome_display()}，相关措施终止，已推送相关部门。"
