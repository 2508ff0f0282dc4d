from django.contrib.auth.models import AbstractUser
from django.db import models

from . import roles


class Department(models.Model):
    """A government department or body that provides, initiates or implements (R1, R28)."""

    class Level(models.TextChoices):
        NATIONAL = "national", "国家"
        PROVINCE = "province", "省级"
        CITY = "city", "市级"
        DISTRICT = "district", "区县级"
        TOWNSHIP = "township", "乡镇街道"

    code = models.CharField("部门编码", max_length=32, unique=True)
    name = models.CharField("部门名称", max_length=100)
    level = models.CharField("层级", max_length=16, choices=Level.choices, default=Level.DISTRICT)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    unified_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "部门"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Role(models.Model):
    """A role a user holds; the five of architecture §4 are seeded, places may add more."""

    # The codes are defined in accounts.roles (with their names and groups); named here for call sites.
    CREDIT_OFFICE = roles.CREDIT_OFFICE
    PROVIDER = roles.PROVIDER
    INITIATOR = roles.INITIATOR
    IMPLEMENTER = roles.IMPLEMENTER
    AUDITOR = roles.AUDITOR
    SUBJECT = roles.SUBJECT
    PERSONNEL = roles.PERSONNEL
    DISCIPLINE = roles.DISCIPLINE
    CREDIT_AGENCY = roles.CREDIT_AGENCY
    ASSOCIATION = roles.ASSOCIATION
    FINANCIAL_INSTITUTION = roles.FINANCIAL_INSTITUTION
    DEPARTMENT_ADMIN = roles.DEPARTMENT_ADMIN

    code = models.SlugField("角色编码", max_length=32, unique=True)
    name = models.CharField("角色名称", max_length=50)
    description = models.CharField("说明", max_length=200, blank=True)
    # What holders of the role may see and do in the admin, as a group's permissions would (the
    # authentication backend adds them); the defaults are seeded by migration 0005.
    permissions = models.ManyToManyField("auth.Permission", verbose_name="后台权限", blank=True, related_name="roles")

    class Meta:
        verbose_name = verbose_name_plural = "角色"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    department = models.ForeignKey(
        Department,
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    roles = models.ManyToManyField(Role, verbose_name="角色", blank=True, related_name="users")
    # A company's or person's own account (role `subject`): files objections, applies for repair,
    # self-reports. Government users leave it empty.
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name="信用主体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("code", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes() & set(codes))


class ApiToken(models.Model):
    """A bearer token. Only a SHA-256 digest is stored: the token is shown once, at creation.

    Tokens carry 256 bits of randomness, so a fast digest is enough (no password-style stretching).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField("用途", max_length=100, blank=True)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.user.username}:{self.prefix}"
