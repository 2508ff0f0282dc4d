from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html_join

from xinyong.audit.models import AuditEvent
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit

from .models import BusinessMatter, LegalBasis, Measure, MeasureBasis
from .selectors import basis_label


def catalog_snapshot(obj) -> dict:
    """Fields and relations (by code) of a catalog row, for the audit trail's before/after."""
    data = {f.name: f.value_from_object(obj) for f in obj._meta.concrete_fields if not f.primary_key}
    if obj.pk:
        for field in obj._meta.many_to_many:
            if field.name != "legal_bases":
                data[field.name] = sorted(getattr(obj, field.name).values_list("code", flat=True))
        if isinstance(obj, Measure):
            links = MeasureBasis.objects.filter(measure=obj).select_related("basis")
            data["legal_bases"] = [basis_label(link) for link in links]
    return data


class AuditedCatalogAdmin(admin.ModelAdmin):
    """The credit office edits the catalog here (rules are data). Every change is audited with before and
    after, and every process's check snapshot is told to reload the catalog."""

    audit_type = ""

    def audit_id(self, obj) -> str:
        """Which audit events are this row's: its code (rows without one override this)."""
        return obj.code

    def _actor(self, request) -> Actor:
        return Actor.of(request.user, channel="admin")

    def get_form(self, request, obj=None, **kwargs):
        # Kept on the request, not on this shared admin instance: requests run in parallel threads.
        request.catalog_before = catalog_snapshot(obj) if obj else None
        return super().get_form(request, obj, **kwargs)

    def save_related(self, request, form, formsets, change):
        # After the inlines and many-to-many fields are saved, so the snapshot is the whole new state.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        audit(
            actor=self._actor(request),
            action=f"{self.audit_type}.save",
            object_type=self.audit_type,
            object_id=self.audit_id(obj),
            before=getattr(request, "catalog_before", None),
            after=catalog_snapshot(obj),
        )

    @transaction.atomic
    def delete_model(self, request, obj):
        before, audit_id = catalog_snapshot(obj), self.audit_id(obj)
        super().delete_model(request, obj)
        audit(
            actor=self._actor(request),
            action=f"{self.audit_type}.delete",
            object_type=self.audit_type,
            object_id=audit_id,
            before=before,
        )

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    @admin.display(description="修改历史")
    def change_history(self, obj):
        events = AuditEvent.objects.filter(object_type=self.audit_type, object_id=self.audit_id(obj)).order_by("-id")[
            :20
        ]
        return format_html_join(
            "\n",
            "<div>{} {}（{}）</div>",
            ((e.occurred_at.strftime("%Y-%m-%d %H:%M"), e.actor, e.action) for e in events),
        )


class MeasureBasisInline(admin.TabularInline):
    model = MeasureBasis
    extra = 0
    autocomplete_fields = ["basis"]
    fields = ["basis", "article", "sort_order"]


@admin.register(Measure)
class MeasureAdmin(AuditedCatalogAdmin):
    audit_type = "measure"
    list_display = [
        "code",
        "name",
        "kind",
        "force",
        "type",
        "target",
        "implementing_department_code",
        "incentive_kind",
        "is_active",
    ]
    list_filter = ["kind", "force", "type", "target", "incentive_kind", "is_active", "list_types", "matters"]
    search_fields = ["code", "name", "description", "implementing_department_name", "legal_bases__document_number"]
    filter_horizontal = ["list_types", "matters"]
    inlines = [MeasureBasisInline]
    readonly_fields = ["change_history"]
    fieldsets = [
        (None, {"fields": ["code", "name", "description", "source", "is_active", "sort_order"]}),
        ("分类", {"fields": ["kind", "force", "type", "target", "incentive_kind"]}),
        ("实施", {"fields": ["implementing_department_code", "implementing_department_name"]}),
        ("触发名单和业务事项", {"fields": ["list_types", "matters"]}),
        ("修改历史", {"fields": ["change_history"], "classes": ["collapse"]}),
    ]


@admin.register(LegalBasis)
class LegalBasisAdmin(AuditedCatalogAdmin):
    audit_type = "legal_basis"
    list_display = ["document_number", "title", "lead_department", "kind", "category", "annex_no", "issued_on"]
    list_filter = ["kind", "category", "is_active"]
    search_fields = ["code", "document_number", "title", "lead_department"]
    readonly_fields = ["measure_list", "change_history"]

    @admin.display(description="适用措施")
    def measure_list(self, obj):
        return format_html_join("\n", "<div>{}（{}）</div>", obj.measures.values_list("name", "code"))


@admin.register(BusinessMatter)
class BusinessMatterAdmin(AuditedCatalogAdmin):
    audit_type = "business_matter"
    list_display = ["code", "name", "sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "description"]
    readonly_fields = ["measure_list", "change_history"]

    @admin.display(description="适用措施")
    def measure_list(self, obj):
        return format_html_join("\n", "<div>{}（{}）</div>", obj.measures.values_list("name", "code"))
