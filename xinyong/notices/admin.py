"""What the loop left for the credit office to watch: tasks pushed to departments (list changes, decisions
owed, public-sector notices and the ones that could not be delivered), read-only — they change through the
services and the API."""

from django.contrib import admin

from xinyong.audit.admin_base import ReadOnlyAdmin
from xinyong.core import clock

from .models import Task
from .selectors import overdue


class OverdueFilter(admin.SimpleListFilter):
    title = "是否逾期"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "已逾期未处理")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(overdue(clock.today()))
        return queryset


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "department", "action", "reason", "entry", "due_on", "status", "done_at"]
    list_filter = ["status", OverdueFilter, "action", "department"]
    search_fields = ["reason", "department__name", "entry__subject__name", "entry__subject__uscc"]
    list_select_related = ["department", "entry__subject", "entry__list_type"]
    date_hierarchy = "created_at"
