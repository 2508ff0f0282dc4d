"""The admin site: Django's, with the project's titles and the overview pages (tracking statistics,
government integrity) on its home page for those who may open them."""

from django.contrib import admin
from django.urls import reverse

from xinyong.accounts.selectors import oversees

OVERVIEW_PAGES = [
    ("跟踪问效", "statistics", "各部门双公示按时率、核查反馈、异议和修复办结情况，任意时段，可导出 Excel、PDF"),
    ("政务诚信", "government-integrity", "政府机构、国有企业和公职人员的失信记录与整改情况"),
]


class XinyongAdminSite(admin.AdminSite):
    site_header = "信用平台管理后台"
    site_title = "信用平台"
    index_title = "工作台"

    def each_context(self, request):
        context = super().each_context(request)
        user = request.user
        context["overview_pages"] = (
            [{"name": name, "url": reverse(url), "description": text} for name, url, text in OVERVIEW_PAGES]
            if user.is_active and user.is_staff and oversees(user)
            else []
        )
        return context
