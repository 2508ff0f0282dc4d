from functools import lru_cache

from xinyong.core.errors import InvalidInput

from .models import Category, SeverityRule
from .schema import CompiledSchema, compile_schema


def get_category(code: str) -> Category:
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        known = "、".join(Category.objects.filter(is_active=True).values_list("code", flat=True)[:40])
        raise InvalidInput(f"信息类别“{code}”不存在或已停用；可选：{known}", code="unknown_category")
    return category


@lru_cache(maxsize=256)
def _compiled(category_id: int, version: str, fields_key: str) -> CompiledSchema:
    return compile_schema(Category.objects.get(pk=category_id).fields)


def schema_of(category: Category) -> CompiledSchema:
    """The compiled schema, rebuilt whenever the credit office edits the category."""
    return _compiled(category.pk, str(category.updated_at), str(len(category.fields)))


def public_categories():
    return Category.objects.filter(is_active=True).prefetch_related("providers")


@lru_cache(maxsize=256)
def _rules(category_id: int, version: object) -> dict[str, SeverityRule]:
    return {rule.label: rule for rule in SeverityRule.objects.filter(category_id=category_id)}


def severity_rule(category: Category, label: str | None) -> SeverityRule | None:
    """The rule for a severity label, or the category's default when the label is empty."""
    if not category.severity_field:
        return None
    rules = _rules(category.pk, category.updated_at)  # the time itself: imports ask on every row
    if label:
        return rules.get(label)
    return next((r for r in rules.values() if r.is_default), None)
