"""The workbench's navigation (architecture §4b): one entry per page, in the contract's order
(待办, 名单认定, 信用核查, 推送任务, 异议处理, 信用修复, 失信举报, 信用监管, 廉信档案, 接口令牌, 审计日志,
统计分析).

A page plugs in by adding its `Entry` here, at its place in that order. An entry is shown only when its
URL exists and its view (a `desk_page`) admits the user — the role rule is the view's own, not a copy.
`count(user, today)` gives the number shown beside the label (None: no number).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, resolve, reverse

from xinyong.accounts.selectors import works_at_desk
from xinyong.core import clock

from . import todo
from .supervision import PAGES as SUPERVISION_PAGES


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    count: Callable | None = None
    # Other URL names that belong to this entry (its detail pages), so it is marked current there too.
    also: tuple[str, ...] = ()


ENTRIES: list[Entry] = [
    Entry("待办", "desk:home", todo.count),
    Entry("名单认定", "desk:entries", also=("desk:entry_new", "desk:entry")),
    Entry("信用核查", "desk:checks", also=("desk:check", "desk:check_batch")),
    Entry("推送任务", "desk:tasks", todo.open_tasks, also=("desk:close_task",)),
    Entry("异议处理", "desk:objections", todo.open_objections, also=("desk:objection",)),
    Entry("信用修复", "desk:repairs", todo.open_repairs, also=("desk:repair",)),
    Entry("失信举报", "desk:reports", todo.open_reports, also=("desk:report",)),
    Entry("信用监管", "desk:supervision", also=SUPERVISION_PAGES),
    Entry("廉信档案", "desk:integrity"),
    Entry("接口令牌", "desk:tokens", also=("desk:revoke_token",)),
    Entry("账户审核", "desk:accounts", also=("desk:account_approve", "desk:account_reject")),
    Entry("审计日志", "desk:audit"),
    Entry("统计分析", "desk:statistics", also=("desk:statistics_rows",)),
]


def entries_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    current = request.resolver_match.view_name if getattr(request, "resolver_match", None) else ""
    today = clock.today()
    shown = []
    for entry in ENTRIES:
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue  # the page is not built (yet)
        if not admits(resolve(url).func, user):
            continue
        shown.append(
            {
                "label": entry.label,
                "url": url,
                "current": current == entry.url_name or current in entry.also,
                "count": entry.count(user, today) if entry.count else None,
            }
        )
    return shown


def admits(view, user) -> bool:
    """Would `view` (a `desk_page`, which keeps its role set as `view.roles`) let this user in?"""
    roles = getattr(view, "roles", None)
    if roles is None or not user.is_authenticated or not works_at_desk(user):
        return False
    return not roles or user.has_role(*roles)
