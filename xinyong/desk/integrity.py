"""廉信档案 (R31, R16): the personnel and discipline departments read a public official's integrity file —
asked for by ID number in a POST, so the number stays out of addresses and access logs — and the notices
of public-sector dishonesty addressed to them. The roles are `integrity.services.READER_ROLES`, the API's;
every read is audited by the service, and every refused attempt by `desk_page`, as the API does."""

from django import forms
from django.views.decorators.http import require_http_methods

from xinyong.accounts.selectors import department_of
from xinyong.core.errors import DomainError
from xinyong.core.form_errors import put_on_form
from xinyong.core.pagination import PageOutOfRange, page_number, pager, paginate
from xinyong.integrity import selectors, services

from .access import desk_page, not_found
from .pages import render_page

PAGE_SIZE = 20
MAX_PAGE = 50


class FileQuery(forms.Form):
    person = forms.CharField(
        label="公职人员身份证号",
        max_length=18,
        min_length=15,
        error_messages={"required": "请填写公职人员身份证号", "min_length": "身份证号应为15或18位"},
        help_text="每次查阅均记入审计日志",
    )


@desk_page(services.READER_ROLES, audit_denied=True)
@require_http_methods(["GET", "POST"])
def files(request):
    form = FileQuery(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        try:
            person, entries = services.read_official_file(actor=request.actor, person_code=form.cleaned_data["person"])
        except DomainError as error:
            put_on_form(form, error, codes={"invalid_identifier": "person", "subject_not_found": "person"})
        else:
            found = {"person": person, "entries": entries}
            form = FileQuery()  # the number typed is not echoed back: the file shows it masked
    try:
        number = page_number(request, MAX_PAGE)
    except PageOutOfRange:
        return not_found(request, f"最多浏览前 {MAX_PAGE} 页。")
    notices = paginate(
        selectors.notices_to(department_of(request.user)), limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    context = {
        "form": form,
        "found": found,
        "notices": notices.items,
        "pager": pager(request, notices, number, size=PAGE_SIZE, max_page=MAX_PAGE),
    }
    return render_page(request, "desk/integrity/files.html", context, status=422 if form.errors else 200)
