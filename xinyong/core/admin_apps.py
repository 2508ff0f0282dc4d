from django.contrib.admin.apps import AdminConfig


class XinyongAdminConfig(AdminConfig):
    """django.contrib.admin with the project's site (kept apart: this module loads before any model)."""

    default_site = "xinyong.core.admin_site.XinyongAdminSite"
