"""Seed the measure catalog (R10) from fixtures/: the legal bases (the 24 memoranda of 001's annex and the
other documents the seeds cite), the business matters and the reward and punishment measures with the list
types that trigger them, the matters they apply to and their legal basis with article.

Idempotent (update_or_create by code), so loading twice changes nothing. The credit office edits the
catalog afterwards in the admin; this runs once per database, so it never overwrites those edits."""

import json
from pathlib import Path

from django.db import migrations

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def read(name: str) -> list[dict]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _by_code(model, codes: list[str], what: str, measure: str) -> list:
    found = {obj.code: obj for obj in model.objects.filter(code__in=codes)}
    missing = sorted(set(codes) - set(found))
    if missing:
        # A typo in the fixture must stop the install, not leave a measure silently unlinked.
        raise ValueError(f"措施 {measure} 引用了不存在的{what}：{missing}")
    return [found[code] for code in codes]


def load_bases(apps) -> None:
    LegalBasis = apps.get_model("measures", "LegalBasis")
    for item in read("legal_bases.json"):
        fields = dict(item)
        LegalBasis.objects.update_or_create(code=fields.pop("code"), defaults=fields)


def load_matters(apps) -> None:
    BusinessMatter = apps.get_model("measures", "BusinessMatter")
    for item in read("matters.json"):
        fields = dict(item)
        BusinessMatter.objects.update_or_create(code=fields.pop("code"), defaults=fields)


def load_measures(apps) -> None:
    Measure = apps.get_model("measures", "Measure")
    MeasureBasis = apps.get_model("measures", "MeasureBasis")
    ListType = apps.get_model("lists", "ListType")
    BusinessMatter = apps.get_model("measures", "BusinessMatter")
    LegalBasis = apps.get_model("measures", "LegalBasis")
    for item in read("measures.json"):
        fields = dict(item)
        code = fields.pop("code")
        list_types, matters, bases = fields.pop("list_types"), fields.pop("matters"), fields.pop("legal_bases")
        measure, _ = Measure.objects.update_or_create(code=code, defaults=fields)
        measure.list_types.set(_by_code(ListType, list_types, "名单类型", code))
        measure.matters.set(_by_code(BusinessMatter, matters, "业务事项", code))
        documents = _by_code(LegalBasis, [b["basis"] for b in bases], "依据", code)
        for order, (basis, document) in enumerate(zip(bases, documents, strict=True)):
            MeasureBasis.objects.update_or_create(
                measure=measure, basis=document, defaults={"article": basis["article"], "sort_order": order}
            )
        MeasureBasis.objects.filter(measure=measure).exclude(basis__in=documents).delete()


def load(apps, schema_editor):
    load_bases(apps)
    load_matters(apps)
    load_measures(apps)


def unload(apps, schema_editor):
    for model, name in (("Measure", "measures.json"), ("BusinessMatter", "matters.json"),
                        ("LegalBasis", "legal_bases.json")):
        codes = [item["code"] for item in read(name)]
        apps.get_model("measures", model).objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial"), ("lists", "0002_default_list_types")]
    operations = [migrations.RunPython(load, unload)]
