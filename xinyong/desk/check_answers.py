"""A check's answer (exactly as `checks.services.answering.check` gave it, architecture §4) in words for a person:
the result, and each measure's force, type, legal basis, source entry and the organisation and role it
came through. Only codes are turned into names here; what applies is the answer's."""

from dataclasses import dataclass

from xinyong.checks.models import Check
from xinyong.lists.models import PERSON_ROLES, ListType
from xinyong.measures.models import BusinessMatter, Measure
from xinyong.subjects.models import Relation, Subject

RESULT_WORDS = {
    Check.Result.RESTRICTED: "限制",
    Check.Result.INCENTIVE: "激励",
    Check.Result.CLEAR: "无",
}
RESULT_NOTES = {
    Check.Result.RESTRICTED: "该主体在本业务事项中适用失信惩戒措施，请依法落实并反馈。",
    Check.Result.INCENTIVE: "该主体在本业务事项中适用守信激励措施，请依规落实并反馈。",
    Check.Result.CLEAR: "未发现该主体在本业务事项中适用的奖惩措施。",
}
ROLE_WORDS = {**dict(Relation.Role.choices), **PERSON_ROLES}


@dataclass(frozen=True)
class MeasureLine:
    code: str
    name: str
    kind: str
    force: str
    type: str
    legal_basis: list[str]
    list_type: str
    entry_id: str | None
    via_organisation: str | None
    via_role: str | None
    suspended: bool


def measure_lines(answer: dict) -> list[MeasureLine]:
    measures = answer["measures"]
    codes = {m["source"]["list_type"] for m in measures}
    list_types = dict(ListType.objects.filter(code__in=codes).values_list("code", "name"))
    via_codes = {m["source"]["via"]["organisation"] for m in measures if m["source"]["via"]}
    organisations = dict(Subject.objects.filter(key__in=via_codes).values_list("key", "name"))
    lines = []
    for m in measures:
        source, via = m["source"], m["source"]["via"]
        lines.append(
            MeasureLine(
                code=m["code"],
                name=m["name"],
                kind=Measure.Kind(m["kind"]).label,
                force=Measure.Force(m["force"]).label,
                type=Measure.Type(m["type"]).label,
                legal_basis=m["legal_basis"],
                list_type=list_types.get(source["list_type"], source["list_type"]),
                entry_id=source["entry_id"],
                via_organisation=f"{organisations.get(via['organisation'], '')}（{via['organisation']}）"
                if via
                else None,
                via_role=ROLE_WORDS.get(via["role"], via["role"]) if via else None,
                suspended=m["suspended"],
            )
        )
    return lines


def matter_name(code: str) -> str:
    return BusinessMatter.objects.filter(code=code).values_list("name", flat=True).first() or code
