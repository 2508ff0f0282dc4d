"""What the 信用监管 pages share: a page of rows, whether a user may post to a view (its `desk_page` role
set and the service's department rule), and rendering a service's refusal beside its form."""

from django.contrib import messages
from django.shortcuts import redirect

from xinyong.core.errors import DomainError, Forbidden
from xinyong.core.pagination import PageOutOfRange, page_number, pager, paginate
from xinyong.supervision.services.common import may_act

from ..access import not_found
from ..form_errors import put_on_form
from ..nav import admits

PAGE_SIZE = 20
MAX_PAGE = 50


def page_of(request, queryset) -> tuple[list, dict] | None:
    """(rows, pager) of the page asked for; None past MAX_PAGE (answer `too_deep`)."""
    try:
        number = page_number(request, MAX_PAGE)
    except PageOutOfRange:
        return None
    page = paginate(queryset, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    return page.items, pager(request, page, number, size=PAGE_SIZE, max_page=MAX_PAGE)


def too_deep(request):
    return not_found(request, f"最多浏览前 {MAX_PAGE} 页，请按状态筛选。")


def may_post(user, view, department_id: int | None = None) -> bool:
    """Would `view` admit this user, and (for a row of a department) may the user act for it?"""
    return admits(view, user) and (department_id is None or may_act(user, department_id))


def submit(request, form, act, *, done: str, to, fields=None, codes=None):
    """Run `act(cleaned_data)` — an audited service call — when the form is valid: on success say `done`
    and go to `to` (a URL, or a callable given the service's answer); else leave the error on the form.
    Returns the redirect, or None when the form is to be shown again."""
    if not form.is_valid():
        return None
    try:
        answer = act(form.cleaned_data)
    except Forbidden:
        raise  # not this user's to do: the workbench's 403 page
    except DomainError as error:  # bad input, a subject code nobody holds, a conflict: beside the form
        put_on_form(form, error, fields=fields, codes=codes)
        return None
    messages.success(request, done(answer) if callable(done) else done)
    return redirect(to(answer) if callable(to) else to)
