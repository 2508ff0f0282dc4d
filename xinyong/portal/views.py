"""Public portal pages (信用门户). Only public data, personal data masked, every list paginated."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from xinyong.core import clock
from xinyong.core.errors import DomainError
from xinyong.subjects import selectors

PAGE_SIZE = 20


@require_GET
def home(request):
    return render(request, "portal/home.html")


def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 500))
    except ValueError:
        return 1


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()
    page_number = _page_number(request)
    context = {"q": query, "page_number": page_number}
    try:
        page = selectors.search(query, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
    except DomainError as error:
        context["error"] = error.message
        return render(request, "portal/search.html", context, status=200 if not query else 400)
    context.update(
        results=[selectors.public_summary(s) for s in page.items],
        count=page.count,
        has_previous=page_number > 1,
        has_next=page.offset + len(page.items) < page.count,
    )
    return render(request, "portal/search.html", context)


@require_GET
def subject(request, code: str):
    try:
        found = selectors.get_by_code(code)
    except DomainError as error:
        return render(request, "portal/not_found.html", {"message": error.message}, status=error.status)
    profile = selectors.public_profile(found, on=clock.today())
    return render(request, "portal/subject.html", {"profile": profile})
