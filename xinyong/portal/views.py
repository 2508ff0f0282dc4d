"""Public portal pages (信用门户, R23–R25). Server-rendered, Chinese, only public data, personal data
masked, every list a bounded page (at most MAX_PAGE pages deep, pager links rel=nofollow), every
view rate-limited per client address."""

import datetime as dt
import logging
import uuid

from django import forms
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_http_methods, require_safe

from xinyong.core import clock
from xinyong.core.errors import DomainError
from xinyong.core.limits import ip_hash, rate_limited
from xinyong.core.pagination import Page, PageOutOfRange, page_number, pager
from xinyong.subjects import selectors as subjects

from . import selectors, services
from .models import TypicalCase
from .reports import record_line

logger = logging.getLogger("xinyong.portal")

PAGE_SIZE = 20
MAX_PAGE = 50  # 1,000 rows deep at most: past that, narrow the query (bots walk pages forever)


def _page_number(request) -> int:
    return page_number(request, MAX_PAGE)


def _pager(request, page: Page, number: int) -> dict:
    return pager(request, page, number, size=PAGE_SIZE, max_page=MAX_PAGE)


def _out_of_range(request):
    return render(
        request,
        "portal/message.html",
        {"title": "页码超出范围", "message": f"最多浏览前 {MAX_PAGE} 页，请缩小查询条件后再查。"},
        status=404,
    )


def _paged(view):
    """Turn a too-deep page number into a friendly 404 instead of a deep scan."""

    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PageOutOfRange:
            return _out_of_range(request)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --------------------------------------------------------------------------------------------
# Home, search, subject
# --------------------------------------------------------------------------------------------


@require_safe
@rate_limited("pages")
def home(request):
    try:
        cases = selectors.latest_cases(4)
    except DatabaseError:  # the front page and its search box stay up even when the database is not
        logger.exception("home page: typical cases unavailable")
        cases = []
    return render(request, "portal/home.html", {"cases": cases})


@require_safe
@rate_limited("search")
@_paged
def search(request):
    query = request.GET.get("q", "").strip()[:100]
    number = _page_number(request)
    context = {"q": query, "noindex": True}
    try:
        page = subjects.search(query, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    except DomainError as error:
        context["error"] = error.message
        return render(request, "portal/search.html", context, status=200 if not query else 400)
    context.update(
        results=[subjects.public_summary(s) for s in page.items],
        count=page.count,
        pager=_pager(request, page, number),
    )
    return render(request, "portal/search.html", context)


@require_safe
@rate_limited("pages")
def subject(request, code: str):
    try:
        found = subjects.get_by_code(code)
    except DomainError as error:
        return render(request, "portal/not_found.html", {"message": error.message}, status=error.status)
    profile = subjects.public_profile(found, on=clock.today())
    for group in profile.get("records", []):
        for item in group["items"]:
            item["line"] = record_line(item)
    for entry in profile.get("list_entries", []):
        entry["mandatory"] = sum(1 for m in entry.get("measures", []) if m["force"] == "mandatory")
    return render(
        request,
        "portal/subject.html",
        {"profile": profile, "status_display": found.get_status_display(), "linkable": not found.is_person},
    )


# --------------------------------------------------------------------------------------------
# Double publicity, lists, repair notes, typical cases
# --------------------------------------------------------------------------------------------


def _date(request, name: str, errors: list[str]) -> dt.date | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(f"日期“{value}”格式不正确，应为 年-月-日，如 2025-01-24")
        return None


PUBLICITY_TITLES = {"licensing": "行政许可公示", "penalty": "行政处罚公示"}


@require_safe
@rate_limited("pages")
@_paged
def publicity(request, kind: str):
    number = _page_number(request)
    errors: list[str] = []
    department = request.GET.get("department", "").strip()[:32]
    date_from = _date(request, "from", errors)
    date_to = _date(request, "to", errors)
    page = selectors.publicity_page(
        kind,
        on=clock.today(),
        department=department,
        date_from=date_from,
        date_to=date_to,
        limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE,
    )
    return render(
        request,
        "portal/publicity.html",
        {
            "kind": kind,
            "title": PUBLICITY_TITLES[kind],
            "other": "penalty" if kind == "licensing" else "licensing",
            "other_title": PUBLICITY_TITLES["penalty" if kind == "licensing" else "licensing"],
            "items": page.items,
            "pager": _pager(request, page, number),
            "departments": selectors.publicity_departments(),
            "department": department,
            "date_from": date_from,
            "date_to": date_to,
            "errors": errors,
            "noindex": number > 1 or bool(department or date_from or date_to),
        },
    )


LIST_TITLES = {"red": "红名单（守信激励对象）", "black": "黑名单（失信联合惩戒对象）"}


@require_safe
@rate_limited("pages")
@_paged
def lists(request, kind: str):
    number = _page_number(request)
    list_type = request.GET.get("type", "").strip()[:64]
    page = selectors.list_page(
        kind, on=clock.today(), list_type=list_type, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    return render(
        request,
        "portal/lists.html",
        {
            "kind": kind,
            "title": LIST_TITLES[kind],
            "items": page.items,
            "pager": _pager(request, page, number),
            "list_types": selectors.list_types_of(kind),
            "list_type": list_type,
            "noindex": number > 1 or bool(list_type),
        },
    )


@require_safe
@rate_limited("pages")
@_paged
def clean_list(request):
    number = _page_number(request)
    month = request.GET.get("month", "").strip()[:7]
    try:
        publication, page = selectors.clean_list_page(month, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    except DomainError as error:
        return render(request, "portal/not_found.html", {"message": error.message}, status=error.status)
    return render(
        request,
        "portal/clean_list.html",
        {
            "publication": publication,
            "items": page.items,
            "pager": _pager(request, page, number),
            "months": selectors.clean_list_months(),
            "month": publication.month.strftime("%Y-%m"),
            "noindex": number > 1 or bool(month),
        },
    )


@require_safe
@rate_limited("pages")
@_paged
def repairs(request):
    number = _page_number(request)
    page = selectors.repair_notes_page(limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    return render(
        request,
        "portal/repairs.html",
        {"items": page.items, "pager": _pager(request, page, number), "noindex": number > 1},
    )


@require_safe
@rate_limited("pages")
@_paged
def cases(request):
    number = _page_number(request)
    category = request.GET.get("category", "")
    if category not in TypicalCase.Category.values:
        category = ""
    page = selectors.cases_page(category=category, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    return render(
        request,
        "portal/cases.html",
        {
            "items": page.items,
            "pager": _pager(request, page, number),
            "category": category,
            "categories": TypicalCase.Category.choices,
            "noindex": number > 1,
        },
    )


@require_safe
@rate_limited("pages")
def case_detail(request, case_id: int):
    try:
        case = selectors.published_case(case_id)
    except DomainError as error:
        return render(request, "portal/message.html", {"title": "未找到", "message": error.message}, status=404)
    return render(request, "portal/case.html", {"case": case})


# --------------------------------------------------------------------------------------------
# Report verification
# --------------------------------------------------------------------------------------------


@require_safe
@rate_limited("verify")
def verify(request):
    number = request.GET.get("number", "").strip()[:40]
    context: dict = {"number": number, "noindex": True}
    if number:
        try:
            context["result"] = selectors.verification(selectors.issued_report(number), clock.now())
        except DomainError as error:
            context["error"] = error.message
    return render(request, "portal/verify.html", context)


# --------------------------------------------------------------------------------------------
# Reports of dishonesty (R25)
# --------------------------------------------------------------------------------------------


class DishonestyForm(forms.Form):
    subject_name = forms.CharField(label="被举报主体名称", max_length=200, min_length=2)
    subject_code = forms.CharField(
        label="统一社会信用代码（选填）", max_length=30, required=False, help_text="知道时填写，便于准确核实"
    )
    content = forms.CharField(
        label="举报内容",
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="请写明失信行为发生的时间、地点、经过及相关证据（10–5000 字）",
    )
    reporter_name = forms.CharField(label="举报人姓名", max_length=50)
    reporter_contact = forms.CharField(label="联系电话或电子邮箱", max_length=100, min_length=5)


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("pages")
def report_dishonesty(request):
    form = DishonestyForm(request.POST or None)
    context = {"form": form, "noindex": True}
    if request.method == "POST":
        wait = _submit_limited(request)
        if wait is not None:
            return wait
        if form.is_valid():
            try:
                submitted = services.submit_dishonesty_report(
                    actor=services.PUBLIC_PORTAL,
                    files=request.FILES.getlist("attachments"),
                    requester_ip_hash=ip_hash(request),
                    **form.cleaned_data,
                )
            except DomainError as error:
                context["error"] = error.message
            else:
                return render(
                    request,
                    "portal/dishonesty_done.html",
                    {"number": submitted.report.number, "code": submitted.query_code, "noindex": True},
                    status=201,
                )
        return render(request, "portal/dishonesty.html", context, status=422)
    return render(request, "portal/dishonesty.html", context)


def _submit_limited(request):
    from xinyong.core.limits import hit

    wait = hit("submit", request)
    if wait is None:
        return None
    response = render(request, "portal/too_many.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("verify")
def track(request):
    """By POST, so the secret query code stays out of URLs, logs and browser history."""
    context: dict = {"noindex": True}
    if request.method == "POST":
        number = request.POST.get("number", "").strip()[:40]
        context["number"] = number
        try:
            context["result"] = selectors.tracking_body(services.track(number, request.POST.get("code", "")[:40]))
        except DomainError as error:
            context["error"] = error.message
    return render(request, "portal/track.html", context)


# --------------------------------------------------------------------------------------------
# Errors: Chinese pages, never a stack trace (DEBUG is off unless XINYONG_DEBUG is set)
# --------------------------------------------------------------------------------------------


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


@requires_csrf_token
def page_not_found(request, exception=None):
    if _wants_json(request):
        body = {"error": {"code": "not_found", "message": "资源不存在", "details": []}}
        return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
    return render(request, "portal/404.html", status=404)


@requires_csrf_token
def server_error(request):
    reference = uuid.uuid4().hex[:12]
    logger.error("portal error %s on %s", reference, request.path)
    if _wants_json(request):
        body = {"error": {"code": "internal", "message": f"服务器内部错误，编号 {reference}", "details": []}}
        return JsonResponse(body, status=500, json_dumps_params={"ensure_ascii": False})
    try:
        html = render_to_string("portal/500.html", {"reference": reference})
    except Exception:  # the error page itself must not fail
        html = f"<!doctype html><meta charset=utf-8><title>服务器错误</title><p>服务器内部错误，编号 {reference}。</p>"
    return HttpResponse(html, status=500)
