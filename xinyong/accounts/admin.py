from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, Department, Role, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "description"]


@admin.register(User)
class XinyongUserAdmin(UserAdmin):
    list_display = ["username", "department", "is_staff", "is_active"]
    list_filter = ["department", "roles", "is_staff", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, ("部门与角色", {"fields": ["department", "roles"]})]
    filter_horizontal = ["roles", "groups", "user_permissions"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created with `xinyong token create` (the plaintext is shown once); here they are
    only listed, and revoked by setting the revocation time."""

    list_display = ["prefix", "user", "name", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["user", "prefix", "digest", "created_at", "last_used_at"]
    search_fields = ["prefix", "user__username"]

    def has_add_permission(self, request):
        return False
