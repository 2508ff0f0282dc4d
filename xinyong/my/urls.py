from django.urls import path

from . import registration, rights_views, views

app_name = "my"
urlpatterns = [
    path("", views.home, name="home"),
    path("notices/read", views.read_notices, name="read_notices"),
    path("register/", registration.register, name="register"),
    path("accounts/", registration.users, name="accounts"),
    path("accounts/<int:account_id>/remove", registration.remove_user, name="remove_user"),
    path("objections/", rights_views.objections, name="objections"),
    path("repairs/", rights_views.repairs, name="repairs"),
    path("commitments/", rights_views.commitment_page, name="commitments"),
    path("self-reports/", rights_views.self_report_page, name="self_reports"),
    path("authorisations/", rights_views.authorisations, name="authorisations"),
    path("authorisations/<int:authorisation_id>/withdraw", rights_views.withdraw, name="withdraw"),
    path("queries/", views.queries, name="queries"),
    path("report.pdf", views.report, name="report"),
]
