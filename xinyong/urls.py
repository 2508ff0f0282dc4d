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
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("", include("xinyong.portal.urls")),
]

# Chinese error pages, never a stack trace (portal views; JSON under /api/).
handler404 = "xinyong.portal.views.page_not_found"
handler500 = "xinyong.portal.views.server_error"
