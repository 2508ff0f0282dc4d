from django.urls import path

from . import views

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:task_id>/close", views.close_task, name="close_task"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<str:prefix>/revoke", views.revoke_token, name="revoke_token"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/<str:department>/<str:kind>/", views.statistics_rows, name="statistics_rows"),
]
