"""名单认定 (architecture §4b): an initiating department puts a subject on a list it owns — the entry
previewed as `lists.services.create_entry` would make it, then confirmed — and keeps its roster; each
entry's page shows its history, the departments told and their feedback, and revokes or ends it early.
Each view parses a form, calls a selector or an audited service with the signed-in user, and renders."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from xinyong.accounts.models import Role
from xinyong.accounts.roles import ENTRY_ENDERS, OVERSEERS
from xinyong.core.errors import DomainError
from xinyong.core.form_errors import put_on_form
from xinyong.lists import selectors, services
from xinyong.lists.models import PERSON_ROLES
from xinyong.measures.preview import preview_entry

from .access import desk_page
from .entry_forms import EndForm, EntryForm, ExitForm, RosterForm
from .pages import render_page

# Who opens which page: as the API's list-entry endpoints (create: initiators; revoke: ENTRY_ENDERS). Reading
# is narrower than the API's ENTRY_READERS: the roster and an entry's page (its loop, its feedback) are the
# initiating department's and the overseers'; an implementer learns of entries through its tasks.
INITIATE = {Role.INITIATOR}
END = ENTRY_ENDERS
READ = OVERSEERS | {Role.INITIATOR}
PAGE_SIZE = 50
# The field each of `create_entry`'s refusals concerns (those naming fields in their details go there).
FIELD_OF_ERROR = {
    "invalid_identifier": "subject",
    "subject_not_found": "subject",
    "unknown_list_type": "list_type",
    "not_list_initiator": "list_type",
    "invalid_period": "ends_on",
    "period_too_long": "ends_on",
}


@desk_page(READ)
def roster(request):
    user = request.user
    form = RosterForm(request.GET or None, list_types=selectors.roster_list_types(user))
    try:
        entries = selectors.roster(user, form.roster_filter())
    except DomainError as error:  # the subject code: mistyped, or no subject has it
        form.add_error("subject", error.message)
        entries = selectors.roster(user, selectors.RosterFilter())
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "all_departments": selectors.oversees(user),
        "may_initiate": user.has_role(*INITIATE) and selectors.initiable_list_types(user).exists(),
    }
    return render_page(request, "desk/entries/roster.html", context)


@desk_page(INITIATE)
@require_http_methods(["GET", "POST"])
def new_entry(request):
    """Step one, the form; step two (`preview`), what the entry will do, to confirm (`confirm`)."""
    list_types = selectors.initiable_list_types(request.user)
    form = EntryForm(request.POST or None, list_types=list_types)
    step = request.POST.get("step", "")
    if request.method == "POST" and step in ("preview", "confirm") and form.is_valid():
        try:
            if step == "preview":
                preview = preview_entry(user=request.user, data=form.entry_input())
                context = {"form": form, "preview": preview, "roles": PERSON_ROLES}
                return render_page(request, "desk/entries/preview.html", context)
            entry = services.create_entry(actor=request.actor, user=request.user, data=form.entry_input())
        except DomainError as error:
            put_on_form(form, error, codes=FIELD_OF_ERROR)
        else:
            published = f"已认定并发布：{entry.subject.name}列入“{entry.list_type.name}”，已推送相关部门。"
            messages.success(request, published)
            return redirect("desk:entry", entry.pk)
    context = {"form": form, "list_types": list_types}
    return render_page(request, "desk/entries/new.html", context)


def _entry_page(request, entry_id: int, *, revoke_form=None, exit_form=None, status=200):
    page = selectors.entry_page(request.user, entry_id)
    entry = page.entry
    may_end = services.may_end(request.user, entry)
    if exit_form is None and entry.list_type.early_exit_conditions:
        exit_form = ExitForm(prefix="exit", entry=entry)
    context = {
        "page": page,
        "entry": entry,
        "roles": PERSON_ROLES,
        "may_end": may_end,
        "revoke_form": revoke_form or EndForm(prefix="revoke"),
        "exit_form": exit_form,
        "earliest_exit": services.earliest_exit_date(entry),
    }
    return render_page(request, "desk/entries/entry.html", context, status=status)


@desk_page(READ)
def entry(request, entry_id: int):
    return _entry_page(request, entry_id)


@desk_page(END)
@require_POST
def revoke(request, entry_id: int):
    form = EndForm(request.POST, prefix="revoke")
    selectors.visible_entry(request.user, entry_id)  # another department's: as if it did not exist
    if form.is_valid():
        try:
            services.revoke_entry(
                actor=request.actor, user=request.user, entry_id=entry_id, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            put_on_form(form, error)
        else:
            messages.success(request, "已撤销该条目，相关措施终止，已推送相关部门。")
            return redirect("desk:entry", entry_id)
    return _entry_page(request, entry_id, revoke_form=form, status=422)


@desk_page(END)
@require_POST
def exit_early(request, entry_id: int):
    found = selectors.visible_entry(request.user, entry_id)
    form = ExitForm(request.POST, prefix="exit", entry=found)
    if form.is_valid():
        try:
            services.exit_entry(
                actor=request.actor,
                user=request.user,
                entry_id=entry_id,
                conditions=form.cleaned_data["conditions"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            put_on_form(form, error)
        else:
            messages.success(request, "已提前移出该条目，相关措施终止，已推送相关部门。")
            return redirect("desk:entry", entry_id)
    return _entry_page(request, entry_id, exit_form=form, status=422)
