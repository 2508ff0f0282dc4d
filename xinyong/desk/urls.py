from django.urls import include, path

from . import audit, checks, entries, integrity, objections, repairs, reports, views

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
    path("objections/", objections.queue, name="objections"),
    path("objections/<int:objection_id>/", objections.objection, name="objection"),
    path("objections/<int:objection_id>/decide", objections.decide, name="objection_decide"),
    path("repairs/", repairs.queue, name="repairs"),
    path("repairs/<int:repair_id>/", repairs.repair, name="repair"),
    path("repairs/<int:repair_id>/decide", repairs.decide, name="repair_decide"),
    path("repairs/notice/<int:record_id>.pdf", repairs.notice, name="repair_notice"),
    path("reports/", reports.queue, name="reports"),
    path("reports/<int:report_id>/", reports.report, name="report"),
    path("reports/<int:report_id>/<str:action>", reports.step, name="report_step"),
    path("reports/<int:report_id>/attachments/<int:attachment_id>", reports.attachment, name="report_attachment"),
    path("supervision/", include("xinyong.desk.supervision.urls")),
    path("integrity/", integrity.files, name="integrity"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<str:prefix>/revoke", views.revoke_token, name="revoke_token"),
    path("audit/", audit.trail, name="audit"),
    path("audit/verify", audit.verify, name="audit_verify"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/<str:department>/<str:kind>/", views.statistics_rows, name="statistics_rows"),
]
