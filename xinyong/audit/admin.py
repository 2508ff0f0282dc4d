"""The audit log's page, and the pages of core's own rows (the working-day calendar, the rule parameters).

Those live here, not in `core/admin.py`: the credit office edits them through `AuditedAdmin`, which writes
the audit log, and `core` sits below `audit` (docs/architecture.md §2, the layers)."""

from django.contrib import admin

from xinyong.audit.admin_base import AuditedAdmin, ReadOnlyAdmin
from xinyong.core.models import CalendarDay, CalendarYear, Parameter

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "occurred_at", "actor", "department", "action", "object_type", "object_id"]
    list_filter = ["action", "channel", "department"]
    search_fields = ["actor", "object_id", "action"]


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ["date", "kind", "name"]
    ordering = ["date"]
    extra = 3
    verbose_name = "节假日或调休上班日"
    verbose_name_plural = "节假日与调休（只录入与“周一至周五上班、周六周日休息”不同的日子）"


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin):
    audit_type = "calendar_year"
    list_display = ["year", "notice", "published_on", "holiday_count", "workday_count"]
    ordering = ["-year"]
    search_fields = ["notice", "note"]
    inlines = [CalendarDayInline]
    fieldsets = [
        (
            None,
            {
                "fields": ["year", "notice", "published_on", "note"],
                "description": "录入某一年度即表示该年节假日安排已完整，期限计算将以此为准；"
                "尚未录入的年度，按工作日计算期限时会报错提示，不会推测。",
            },
        )
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("days")

    def audit_id(self, obj: CalendarYear) -> str:
        return str(obj.year)

    def snapshot(self, obj: CalendarYear) -> dict:
        days = obj.days.order_by("date").values_list("date", "kind", "name") if obj.pk else []
        return {**super().snapshot(obj), "days": [list(day) for day in days]}

    @admin.display(description="休息日数")
    def holiday_count(self, obj: CalendarYear) -> int:
        return sum(1 for day in obj.days.all() if day.kind == CalendarDay.Kind.HOLIDAY)

    @admin.display(description="调休上班日数")
    def workday_count(self, obj: CalendarYear) -> int:
        return sum(1 for day in obj.days.all() if day.kind == CalendarDay.Kind.WORKDAY)


@admin.register(Parameter)
class ParameterAdmin(AuditedAdmin):
    audit_type = "parameter"
    list_display = ["code", "name", "value", "unit"]
    search_fields = ["code", "name"]
    readonly_fields = ["code"]

    def has_delete_permission(self, request, obj=None):
        return False  # code reads every parameter; a missing one would stop a rule
