"""Catalog maintenance by the credit office. Every change is audited with before/after, which is the
category's change history (shown in the admin)."""

from django.db import transaction

from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core import clock
from xinyong.core.errors import InvalidInput

from .models import Category
from .schema import check_definition

SNAPSHOT_FIELDS = [
    "code",
    "name",
    "group",
    "description",
    "disclosure",
    "publish_within_working_days",
    "publication_months",
    "counts_as_dishonesty",
    "fields",
    "subject_fields",
    "decision_number_field",
    "decision_date_field",
    "is_active",
    "sort_order",
]


def snapshot(category: Category) -> dict:
    data = {name: getattr(category, name) for name in SNAPSHOT_FIELDS}
    if category.pk:
        data["providers"] = sorted(category.providers.values_list("code", flat=True))
    return data


def validate_category(category: Category) -> None:
    problems = check_definition(category.fields)
    names = {item.get("name") for item in category.fields if isinstance(item, dict)}
    for role, name in (category.subject_fields or {}).items():
        if name not in names:
            problems.append(f"主体字段映射 {role} 指向不存在的字段 {name}")
    for label, name in (("文书号字段", category.decision_number_field), ("决定日期字段", category.decision_date_field)):
        if name and name not in names:
            problems.append(f"{label} {name} 不在字段定义中")
    if "name" not in (category.subject_fields or {}):
        problems.append("主体字段映射须包含 name（主体名称字段）")
    if problems:
        raise InvalidInput(
            "信息类别定义有误：" + "；".join(problems),
            code="invalid_category",
            details=[{"message": p} for p in problems],
        )


@transaction.atomic
def save_category(*, actor: Actor, category: Category, before: dict | None) -> Category:
    validate_category(category)
    category.updated_at = clock.now()
    category.save()
    after = snapshot(category)
    audit(
        actor=actor, action="category.save", object_type="category", object_id=category.code, before=before, after=after
    )
    return category


def record_providers_change(*, actor: Actor, category: Category, before: list[str]) -> None:
    after = sorted(category.providers.values_list("code", flat=True))
    if after != before:
        audit(
            actor=actor,
            action="category.providers",
            object_type="category",
            object_id=category.code,
            before={"providers": before},
            after={"providers": after},
        )
