"""我的信用 (`/my/`): the subject's whole record, its notices, who looked at it, and its credit report. Thin
views: every read is a selector on `request.subject` (my/selectors.py), every write a service."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from xinyong.core.limits import ip_hash
from xinyong.portal.api import base_url
from xinyong.portal.reports import record_line
from xinyong.portal.services import issue_report
from xinyong.records.selectors import public_record
from xinyong.selfreports.services import visible_to as visible_self_reports
from xinyong.supervision.services.commitments import visible_to as visible_commitments

from . import forms, selectors
from .access import my_page
from .services.notices import mark_read


def _records(subject) -> list[dict]:
    shown = []
    for found in selectors.records(subject):
        item = public_record(found, subject)
        shown.append(
            {
                **item,
                "line": record_line(item),
                "disclosure": found.category.get_disclosure_display(),
                "actionable": found.status in ("active", "under_objection"),
            }
        )
    return shown


@my_page
@never_cache
@require_safe
def home(request):
    subject = request.subject
    context = {
        "subject": subject,
        "own_id": selectors.own_id_number(subject),
        "notices": selectors.notices(subject),
        "records": _records(subject),
        "entries": selectors.entries(subject),
        "objections": selectors.objections(subject)[:20],
        "repairs": selectors.repairs(subject)[:20],
        "commitments": visible_commitments(request.user).order_by("-id")[:20],
        "self_reports": visible_self_reports(request.user).order_by("-id")[:20],
        "grade": selectors.grade(subject),
        "section": "home",
    }
    return render(request, "my/home.html", context)


@my_page
@require_POST
def read_notices(request):
    mark_read(actor=request.actor, subject_id=request.subject.pk)
    return redirect("my:home")


@my_page
@never_cache
@require_safe
def queries(request):
    subject = request.subject
    form = forms.QueryFilter(request.GET or None, departments=selectors.query_departments(subject))
    wanted = form.cleaned_data if form.is_valid() else {}
    found = selectors.queries(
        subject, department=wanted.get("department") or "", since=wanted.get("since"), until=wanted.get("until")
    )
    return render(request, "my/queries.html", {"form": form, "queries": found, "section": "queries"})


@my_page
@never_cache
@require_safe
def report(request):
    """The same verifiable PDF the portal issues, numbered and recorded, for the subject itself."""
    issued = issue_report(
        actor=request.actor,
        subject=request.subject,
        fmt="pdf",
        base_url=base_url(request),
        requester_ip_hash=ip_hash(request),
    )
    response = HttpResponse(issued.payload, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{issued.report.number}.pdf"'
    return response
