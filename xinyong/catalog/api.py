from ninja import Router

from .selectors import public_categories

router = Router(tags=["信用信息目录"])


@router.get("/categories", auth=None, summary="公共信用信息目录：类别、字段定义、公开属性、公示期限")
def list_categories(request):
    return [
        {
            "code": c.code,
            "name": c.name,
            "group": c.group,
            "description": c.description,
            "disclosure": c.disclosure,
            "disclosure_display": c.get_disclosure_display(),
            "publish_within_working_days": c.publish_within_working_days,
            "publication_months": c.publication_months,
            "counts_as_dishonesty": c.counts_as_dishonesty,
            "fields": c.fields,
            "subject_fields": c.subject_fields,
            "decision_number_field": c.decision_number_field,
            "decision_date_field": c.decision_date_field,
            "providers": [d.code for d in c.providers.all()],
        }
        for c in public_categories()
    ]
