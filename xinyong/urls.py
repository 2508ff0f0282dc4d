from django.contrib import admin
from django.urls import include, path

from xinyong.api import api
from xinyong.core import views as core_views
from xinyong.integrity import views as integrity_views
from xinyong.stats import views as stats_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/statistics/", stats_views.dashboard, name="statistics"),
    path("admin/government-integrity/", integrity_views.government_integrity_page, name="government-integrity"),
    path("admin/", admin.site.urls),
    path("accounts/", include("xinyong.accounts.urls")),
    path("desk/", include("xinyong.desk.urls")),
    path("my/", include("xinyong.my.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("", include("xinyong.portal.urls")),
]

# Chinese error pages, never a stack trace: the workbench's under /desk/ and /accounts/, the portal's
# elsewhere, JSON under /api/.
handler403 = "xinyong.desk.errors.permission_denied"
handler404 = "xinyong.desk.errors.page_not_found"
handler500 = "xinyong.desk.errors.server_error"
