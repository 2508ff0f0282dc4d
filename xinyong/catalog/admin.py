from django import forms
from django.contrib import admin, messages

from xinyong.audit.admin_base import audit_history
from xinyong.audit.services import Actor
from xinyong.core.errors import InvalidInput

from . import services
from .models import Category


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = [*services.SNAPSHOT_FIELDS, "providers"]

    def clean(self):
        cleaned = super().clean()
        probe = Category(**{k: v for k, v in cleaned.items() if k != "providers"})
        try:
            services.validate_category(probe)
        except InvalidInput as error:
            raise forms.ValidationError([d["message"] for d in error.details]) from error
        return cleaned


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The credit office maintains the catalog here; saves go through the audited service."""

    form = CategoryForm
    list_display = [
        "code",
        "name",
        "group",
        "disclosure",
        "publish_within_working_days",
        "publication_months",
        "counts_as_dishonesty",
        "is_active",
    ]
    list_filter = ["group", "disclosure", "counts_as_dishonesty", "is_active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["providers"]
    readonly_fields = ["updated_at", "change_history"]

    def get_form(self, request, obj=None, **kwargs):
        # Kept on the request, not on this shared admin instance: requests run in parallel threads.
        request.category_before = services.snapshot(obj) if obj else None
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        actor = Actor.of(request.user, channel="admin")
        services.save_category(actor=actor, category=obj, before=getattr(request, "category_before", None))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "providers" in form.changed_data:
            before = (getattr(request, "category_before", None) or {}).get("providers", [])
            services.record_providers_change(
                actor=Actor.of(request.user, channel="admin"), category=form.instance, before=before
            )
            messages.info(request, "提供部门已更新")

    @admin.display(description="修改历史")
    def change_history(self, obj):
        return audit_history("category", obj.code)
