from django.contrib import admin

from xinyong.core.admin_base import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "occurred_at", "actor", "department", "action", "object_type", "object_id"]
    list_filter = ["action", "channel", "department"]
    search_fields = ["actor", "object_id", "action"]
