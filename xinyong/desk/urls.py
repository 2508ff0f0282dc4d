from django.urls import include, path

from . import accounts, audit, checks, entries, integrity, views

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("entries/", entries.roster, name="entries"),
    path("entries/new/", entries.new_entry, name="entry_new"),
    path("entries/<int:entry_id>/", entries.entry, name="entry"),
    path("entries/<int:entry_id>/revoke/", entries.revoke, name="entry_revoke"),
    path("entries/<int:entry_id>/exit/", entries.exit_early, name="entry_exit"),
    path("checks/", checks.check, name="checks"),
    path("checks/batch/", checks.batch, name="check_batch"),
    path("checks/<str:number>/", checks.answer, name="check"),
    path("checks/<str:number>/feedback/", checks.feedback, name="check_feedback"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:task_id>/close", views.close_task, name="close_task"),
    path("supervision/", include("xinyong.desk.supervision.urls")),
    path("integrity/", integrity.files, name="integrity"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<str:prefix>/revoke", views.revoke_token, name="revoke_token"),
    path("accounts/", accounts.pending, name="accounts"),
    path("accounts/<int:account_id>/approve", accounts.approve, name="account_approve"),
    path("accounts/<int:account_id>/reject", accounts.reject, name="account_reject"),
    path("audit/", audit.trail, name="audit"),
    path("audit/verify", audit.verify, name="audit_verify"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/<str:department>/<str:kind>/", views.statistics_rows, name="statistics_rows"),
]
