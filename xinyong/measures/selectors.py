"""Reading the measure catalog (R10). The catalog is small (a few hundred rows), so reads return it whole,
with everything a caller shows prefetched in a fixed number of queries."""

from django.db.models import Prefetch

from xinyong.core.errors import InvalidInput
from xinyong.lists.models import ListType

from .models import BusinessMatter, LegalBasis, Measure, MeasureBasis


def catalog():
    """Active measures with their list types, matters and legal bases prefetched (4 queries)."""
    return Measure.objects.filter(is_active=True).prefetch_related(
        Prefetch("list_types", queryset=ListType.objects.only("id", "code")),
        Prefetch("matters", queryset=BusinessMatter.objects.only("id", "code")),
        Prefetch("measurebasis_set", queryset=MeasureBasis.objects.select_related("basis")),
    )


def measures_for(list_type_codes: set[str], matter_code: str | None = None) -> list[Measure]:
    """The active measures triggered by entries of these list types, in one business matter or in all.

    The check engine's question: a subject has entries of these types, and an implementer handles this
    matter — which measures apply?"""
    if not list_type_codes:
        return []
    measures = catalog().filter(list_types__code__in=list_type_codes)
    if matter_code:
        measures = measures.filter(matters__code=matter_code)
    return list(measures.distinct())


def _require(model, code: str, what: str, error_code: str, hint: str) -> None:
    if not model.objects.filter(code=code).exists():
        raise InvalidInput(f"{what}“{code}”不存在，见 {hint}", code=error_code)


def filtered_measures(*, list_type=None, matter=None, kind=None, force=None) -> list[Measure]:
    measures = catalog()
    if list_type:
        _require(ListType, list_type, "名单类型", "unknown_list_type", "GET /list-types")
        measures = measures.filter(list_types__code=list_type)
    if matter:
        _require(BusinessMatter, matter, "业务事项", "unknown_matter", "GET /matters")
        measures = measures.filter(matters__code=matter)
    if kind:
        measures = measures.filter(kind=kind)
    if force:
        measures = measures.filter(force=force)
    return list(measures.distinct())


def basis_label(link: MeasureBasis) -> str:
    """“文号 文件名称 条款”: how a legal basis is cited in measure lists and in check answers."""
    return " ".join(part for part in (link.basis.document_number, link.basis.title, link.article) if part)


def measure_body(measure: Measure) -> dict:
    links = list(measure.measurebasis_set.all())
    return {
        "code": measure.code,
        "name": measure.name,
        "description": measure.description,
        "kind": measure.kind,
        "force": measure.force,
        "type": measure.type,
        "implementing_department": measure.implementing_department_code,
        "implementing_department_name": measure.implementing_department_name,
        "target": measure.target,
        "incentive_kind": measure.incentive_kind,
        "list_types": [t.code for t in measure.list_types.all()],
        "matters": [m.code for m in measure.matters.all()],
        "legal_basis": [basis_label(link) for link in links],
        "legal_bases": [
            {
                "document_number": link.basis.document_number,
                "title": link.basis.title,
                "lead_department": link.basis.lead_department,
                "article": link.article,
            }
            for link in links
        ],
    }


def active_matters():
    return BusinessMatter.objects.filter(is_active=True)


def active_legal_bases():
    return LegalBasis.objects.filter(is_active=True)
