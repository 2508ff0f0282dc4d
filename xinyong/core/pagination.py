"""Bounded pagination: no list endpoint or page ever loads an unbounded set."""

import math
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from .errors import InvalidInput

MAX_LIMIT = 100


@dataclass(frozen=True)
class Page:
    items: list
    count: int
    limit: int
    offset: int

    def body(self, serialize: Callable, **extra) -> dict:
        """The JSON shape every paginated endpoint answers with."""
        return {
            **extra,
            "count": self.count,
            "limit": self.limit,
            "offset": self.offset,
            "items": [serialize(item) for item in self.items],
        }


def paginate(queryset: QuerySet, *, limit: int = 20, offset: int = 0, max_offset: int = 10_000) -> Page:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit 应在 1 到 {MAX_LIMIT} 之间")
    # Deep offsets cost a scan each; bots walking page 50,000 get a clear refusal instead.
    if not 0 <= offset <= max_offset:
        raise InvalidInput(f"offset 应在 0 到 {max_offset} 之间，请缩小查询条件")
    items = list(queryset[offset : offset + limit])
    count = queryset.count() if len(items) == limit or offset else offset + len(items)
    return Page(items=items, count=count, limit=limit, offset=offset)


def status_page(queryset: QuerySet, params, serialize: Callable) -> dict:
    """A page of a workflow list (newest first), filtered by `params.status` when given; an unknown status
    is answered with the ones the list has."""
    if params.status:
        field = next((f for f in queryset.model._meta.fields if f.name == "status"), None)
        allowed = [value for value, _ in field.choices] if field is not None and field.choices else []
        if params.status not in allowed:
            raise InvalidInput(f"status 可选：{'、'.join(allowed) or '（该列表不按状态筛选）'}", code="invalid_status")
        queryset = queryset.filter(status=params.status)
    return paginate(queryset.order_by("-id"), limit=params.limit, offset=params.offset).body(serialize)


# ---- pages for people (portal, workbench): ?page=N, at most `max_page` pages deep --------------


class PageOutOfRange(Exception):
    pass


def page_number(request, max_page: int) -> int:
    """The page a request asks for (1 for nonsense); PageOutOfRange past `max_page`."""
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    if number > max_page:
        raise PageOutOfRange
    return max(1, number)


def pager(request, page: Page, number: int, *, size: int, max_page: int) -> dict:
    """What `layout/_pager.html` shows: this page of how many, links to the neighbours keeping the query."""
    pages = max(1, min(math.ceil(page.count / size), max_page))

    def url(n: int) -> str:
        query = request.GET.copy()
        query["page"] = str(n)
        return "?" + query.urlencode()

    return {
        "number": number,
        "pages": pages,
        "count": page.count,
        "previous_url": url(number - 1) if number > 1 else None,
        "next_url": url(number + 1) if number < pages else None,
        "truncated": page.count > max_page * size,
    }
