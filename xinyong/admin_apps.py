from django.contrib.admin.apps import AdminConfig
from django_tasks_db.apps import TasksAppConfig


class XinyongAdminConfig(AdminConfig):
    """django.contrib.admin with the project's site (kept apart: this module loads before any model)."""

    default_site = "xinyong.admin_site.XinyongAdminSite"


class TasksConfig(TasksAppConfig):
    """django-tasks' database backend, under a Chinese heading in the admin."""

    verbose_name = "后台任务"
