from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group

from xinyong.audit.admin_base import AuditedAdmin
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit

from .models import ApiToken, Department, Role, User

# Roles take the place of groups: a role's permissions are what its holders may do here.
admin.site.unregister(Group)


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    audit_type = "department"
    list_display = ["code", "name", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name"]


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    """What each role may see and do in this admin is data (`Role.permissions`). Only a superuser changes
    it: anyone else who could would grant themselves everything."""

    audit_type = "role"
    list_display = ["code", "name", "description"]
    filter_horizontal = ["permissions"]
    readonly_fields = ["change_history"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(User)
class XinyongUserAdmin(AuditedAdmin, UserAdmin):
    """The credit office keeps the departments' accounts. Someone who is not a superuser can neither make
    anyone a superuser, nor grant permissions one by one, nor touch a superuser's account (its password
    included): a credit-office account cannot become more than it is."""

    audit_type = "user"
    audit_exclude = ("password", "last_login")
    list_display = ["username", "department", "is_staff", "is_active"]
    list_filter = ["department", "roles", "is_staff", "is_active"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["first_name", "last_name", "email"]}),
        ("部门与角色", {"fields": ["department", "roles"]}),
        ("权限", {"fields": ["is_active", "is_staff", "is_superuser", "user_permissions"]}),
        ("重要日期", {"fields": ["last_login", "date_joined"]}),
    ]
    filter_horizontal = ["roles", "user_permissions"]
    SUPERUSER_ONLY = ("is_superuser", "user_permissions")

    def audit_id(self, obj: User) -> str:
        return obj.username

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else [*fields, *self.SUPERUSER_ONLY]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_touch(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_touch(request, obj)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # set: Django redirects back
            audit(
                actor=Actor.of(request.user, channel="admin"),
                action="user.password",
                object_type="user",
                object_id=self.get_object(request, unquote(id)).username,
            )
        return response

    @staticmethod
    def _may_touch(request, obj) -> bool:
        return request.user.is_superuser or obj is None or not obj.is_superuser


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    """Tokens are created with `xinyong token create` (the plaintext is shown once); here they are
    only listed, and revoked by setting the revocation time."""

    audit_type = "api_token"
    audit_exclude = ("digest",)
    list_display = ["prefix", "user", "name", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["user", "prefix", "digest", "created_at", "last_used_at"]
    search_fields = ["prefix", "user__username"]

    def audit_id(self, obj: ApiToken) -> str:
        return obj.prefix

    def has_add_permission(self, request):
        return False
