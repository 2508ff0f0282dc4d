from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", RedirectView.as_view(url=static("site/favicon.svg"), permanent=True)),
    path("search", views.search, name="search"),
    path("subjects/<str:code>", views.subject, name="subject"),
    path("publicity/licensing", views.publicity, {"kind": "licensing"}, name="licensing"),
    path("publicity/penalty", views.publicity, {"kind": "penalty"}, name="penalty"),
    path("lists/red", views.lists, {"kind": "red"}, name="red_list"),
    path("lists/black", views.lists, {"kind": "black"}, name="black_list"),
    path("lists/clean", views.clean_list, name="clean_list"),
    path("repairs", views.repairs, name="repairs"),
    path("cases", views.cases, name="cases"),
    path("cases/<int:case_id>", views.case_detail, name="case"),
    path("reports/verify", views.verify, name="verify"),
    path("report-dishonesty", views.report_dishonesty, name="report_dishonesty"),
    path("report-dishonesty/track", views.track, name="track"),
]
