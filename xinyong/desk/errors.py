"""The site's error pages: the workbench's own (Chinese, with its navigation) under /desk/ and
/accounts/, the portal's everywhere else (JSON under /api/)."""

import logging
import uuid

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token

from xinyong.my import access as my
from xinyong.portal import views as portal

from .access import not_found, refused

logger = logging.getLogger("xinyong.desk")
PREFIXES = ("/desk/", "/accounts/")
MY_PREFIX = "/my/"  # 我的信用 has its own frame (my/base.html) for the same Chinese pages


def _ours(request) -> bool:
    return request.path.startswith(PREFIXES)


def page_not_found(request, exception=None):
    if request.path.startswith(MY_PREFIX):
        return my.not_found(request)
    return not_found(request) if _ours(request) else portal.page_not_found(request, exception)


def permission_denied(request, exception=None):
    if request.path.startswith(MY_PREFIX):
        return my.refused(request, "")
    if _ours(request):
        return refused(request)
    return render(request, "layout/403.html", status=403)


@requires_csrf_token
def server_error(request):
    if not _ours(request):
        return portal.server_error(request)
    reference = uuid.uuid4().hex[:12]
    logger.error("workbench error %s on %s", reference, request.path)
    try:
        html = render_to_string("desk/500.html", {"reference": reference})
    except Exception:  # the error page itself must not fail
        html = f"<!doctype html><meta charset=utf-8><title>服务器错误</title><p>服务器内部错误，编号 {reference}。</p>"
    return HttpResponse(html, status=500)


def csrf_failure(request, reason=""):
    reason = "页面已过期或来源不明，请返回上一页刷新后重新提交。"
    if request.path.startswith(MY_PREFIX):
        return my.refused(request, reason)
    if _ours(request):
        return refused(request, reason=reason)
    return render(request, "layout/403.html", {"reason": reason}, status=403)
