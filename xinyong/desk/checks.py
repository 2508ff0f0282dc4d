"""信用核查 and 核查反馈 (architecture §4b): an implementer checks a subject for a business matter and
gets the answer exactly as the API gives it (`checks.services.answering.check`), shown in words and printable;
checks a file of codes at once; and feeds back, in one form, what it did with each measure. Each view
parses a form, calls a selector or an audited service with the signed-in user, and renders."""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from xinyong.accounts.models import Role
from xinyong.accounts.roles import CHECK_READERS
from xinyong.accounts.selectors import oversees
from xinyong.checks.batch_files import answers_xlsx, codes_in_file
from xinyong.checks.selectors import verify
from xinyong.checks.services import answering
from xinyong.checks.services.batch import check_batch
from xinyong.checks.services.feedback import feedback_state, give_all
from xinyong.core import clock
from xinyong.core.errors import DomainError
from xinyong.core.form_errors import put_on_form
from xinyong.measures.selectors import active_matters
from xinyong.subjects import selectors as subjects

from .access import desk_page
from .check_answers import RESULT_NOTES, RESULT_WORDS, matter_name, measure_lines
from .check_forms import BatchForm, CheckForm, FeedbackForm
from .pages import render_page

# As the API's check endpoints: checking and feeding back is an implementer's; reading a check, also the
# credit office's and auditors' (any department's).
CHECK = {Role.IMPLEMENTER}
READ = CHECK_READERS
FIELD_OF_ERROR = {"invalid_identifier": "subject", "unknown_matter": "matter", "empty_batch": "file"}


def _check_form_page(request, form, candidates=(), status=200):
    context = {"form": form, "candidates": candidates, "matters": active_matters()}
    return render_page(request, "desk/checks/check.html", context, status=status)


@desk_page(CHECK)
@require_http_methods(["GET", "POST"])
def check(request):
    if request.method == "GET":
        # Prefilled from a task or a to-do item: ?subject=CODE&matter=NAME
        return _check_form_page(request, CheckForm(initial=request.GET.dict()))
    form = CheckForm(request.POST)
    if not form.is_valid():
        return _check_form_page(request, form, status=422)
    code = form.cleaned_data["subject"]
    if form.is_name():
        try:
            found = [s for s in subjects.search(code, limit=8).items if not s.is_person]
        except DomainError as error:
            found, message = [], error.message
        else:
            message = f"未找到名称含“{code}”的单位，请核对名称或输入代码"
        if len(found) != 1:
            if not found:
                form.add_error("subject", message)
            return _check_form_page(request, form, candidates=found, status=422 if not found else 200)
        code = found[0].uscc
    if error := subjects.code_error(code):
        form.add_error("subject", f"代码无效：{error}")
        return _check_form_page(request, form, status=422)
    try:
        answer = answering.check(
            actor=request.actor,
            department=request.user.department,
            subject_code=code,
            matter=form.cleaned_data["matter"],
        )
    except DomainError as error:
        form.add_error(FIELD_OF_ERROR.get(error.code), error.message)
        return _check_form_page(request, form, status=422)
    return redirect("desk:check", answer["check_id"])


def _answer_page(request, number: str, form=None, status=200):
    user = request.user
    state = feedback_state(number, user.department, any_department=oversees(user))
    own = state.check.implementer_id == user.department_id and user.has_role(*CHECK)
    if form is None and own and state.owed:
        form = FeedbackForm(measures=state.owed)
    answer = state.check.answer
    context = {
        "state": state,
        "answer": answer,
        "lines": measure_lines(answer),
        "result_word": RESULT_WORDS[answer["result"]],
        "result_note": RESULT_NOTES[answer["result"]],
        "matter_name": matter_name(answer["matter"]),
        "form": form if own else None,
        "genuine": verify(state.check),
    }
    return render_page(request, "desk/checks/answer.html", context, status=status)


@desk_page(READ)
def answer(request, number: str):
    return _answer_page(request, number)


@desk_page(CHECK)
@require_POST
def feedback(request, number: str):
    state = feedback_state(number, request.user.department)  # another department's check: refused
    form = FeedbackForm(request.POST, measures=state.owed)
    if form.is_valid():
        try:
            given = give_all(actor=request.actor, department=request.user.department, number=number, items=form.items())
        except DomainError as error:
            fields = {m["code"]: form.note_field(m["code"]) for m in state.owed}
            put_on_form(form, error, fields=fields)
        else:
            messages.success(request, f"已反馈 {len(given)} 项措施的落实情况，认定部门和信用办可即时查看。")
            return redirect("desk:check", number)
    return _answer_page(request, number, form=form, status=422)


@desk_page(CHECK)
@require_http_methods(["GET", "POST"])
def batch(request):
    form = BatchForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, matter = form.cleaned_data["file"], form.cleaned_data["matter"]
        try:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "codes"
                with open(path, "wb") as kept:
                    for chunk in upload.chunks():
                        kept.write(chunk)
                codes = codes_in_file(path, upload.name)
            answers = check_batch(
                actor=request.actor, department=request.user.department, subject_codes=codes, matter=matter
            )
        except DomainError as error:
            form.add_error(FIELD_OF_ERROR.get(error.code, "file"), error.message)
        else:
            name = matter_name(matter)
            stamp = timezone.localtime(clock.now()).strftime("%Y%m%d%H%M")
            response = HttpResponse(
                answers_xlsx(codes, answers, name),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = content_disposition_header(True, f"批量核查结果-{name}-{stamp}.xlsx")
            return response
    context = {"form": form, "matters": active_matters()}
    return render_page(request, "desk/checks/batch.html", context, status=422 if form.errors else 200)
