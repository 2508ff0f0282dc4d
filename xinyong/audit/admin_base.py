"""The admin's base classes, for every app: read-only pages for rows only services write, audited pages
for rows the credit office edits here (rules are data), and decision pages that call an audited service."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html_join
from django.utils.timezone import localtime

from xinyong.audit.models import AuditEvent
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core.errors import DomainError


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows that only services write (audit events, issued reports, evaluations…): the admin shows
    them, nobody adds, edits or deletes them there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under their parent, written only by services."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _related_label(obj) -> str:
    return getattr(obj, "code", None) or str(obj)


class AuditedAdmin(admin.ModelAdmin):
    """Rows the credit office edits here (rules are data, accounts, the calendar…). Every save and delete
    is audited with the row's before and after, in the same transaction as the change."""

    audit_type = ""
    # Never copied into the audit trail (a password hash has no place in a log).
    audit_exclude: tuple[str, ...] = ()

    def audit_id(self, obj) -> str:
        """Which audit events are this row's: its code, or its id for rows without one."""
        return getattr(obj, "code", None) or str(obj.pk)

    def snapshot(self, obj) -> dict:
        """Fields and many-to-many relations (by code where the related rows have one)."""
        data = {
            f.name: f.value_from_object(obj)
            for f in obj._meta.concrete_fields
            if not f.primary_key and f.name not in self.audit_exclude
        }
        if obj.pk:
            for field in obj._meta.many_to_many:
                if field.name not in self.audit_exclude:
                    data[field.name] = sorted(_related_label(row) for row in getattr(obj, field.name).all())
        return data

    def save_model(self, request, obj, form, change):
        # Read back from the database before saving: the form has already changed `obj`. Kept on the
        # instance, not on this admin (shared by parallel requests) nor on the request (a list edit
        # saves several rows in one request).
        obj._audit_before = self.snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # After the inlines and many-to-many fields are saved, so the snapshot is the whole new state.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        audit(
            actor=Actor.of(request.user, channel="admin"),
            action=f"{self.audit_type}.save",
            object_type=self.audit_type,
            object_id=self.audit_id(obj),
            before=getattr(obj, "_audit_before", None),
            after=self.snapshot(obj),
        )

    @transaction.atomic
    def delete_model(self, request, obj):
        before, audit_id = self.snapshot(obj), self.audit_id(obj)
        super().delete_model(request, obj)
        audit(
            actor=Actor.of(request.user, channel="admin"),
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
        return audit_history(self.audit_type, self.audit_id(obj))


def audit_history(object_type: str, object_id: str, latest: int = 20):
    """A row's latest audit events, newest first, in local time like every other time on the page."""
    events = AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by("-id")[:latest]
    return format_html_join(
        "\n",
        "<div>{} {}（{}）</div>",
        ((localtime(e.occurred_at).strftime("%Y-%m-%d %H:%M"), e.actor, e.action) for e in events),
    )


class _ReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))

    def __init__(self, *args, label: str, help_text: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label, self.fields["reason"].help_text = label, help_text


def decision_page(
    model_admin,
    request,
    obj,
    *,
    title: str,
    details: list[tuple[str, str]],
    buttons: list[tuple[str, str]],
    decide,
    reason_label: str,
    reason_help: str,
):
    """A page for deciding about one row with a reason (verify or reject a self-report, withdraw a record):
    the row's details, the reason, one button per outcome. `decide(button, reason)` calls the audited service
    and returns what to tell the user; a DomainError it raises (not allowed, already done, reason missing) is
    shown on the form and nothing changes."""
    form = _ReasonForm(request.POST or None, label=reason_label, help_text=reason_help)
    if request.method == "POST" and form.is_valid():
        pressed = next((name for name, _ in buttons if name in request.POST), buttons[0][0])
        try:
            messages.success(request, decide(pressed, form.cleaned_data["reason"].strip()))
        except DomainError as error:
            form.add_error("reason", error.message)
        else:
            opts = model_admin.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "original": obj,
        "details": details,
        "form": form,
        "buttons": buttons,
    }
    return TemplateResponse(request, "admin/decision.html", context)
