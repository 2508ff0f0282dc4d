"""What this slice adds to an embedded check (R12, R18, R27), through `checks.services.extensions.ANSWER_EXTENSIONS`:
the measures of the subject's grade (from the measure catalog: A → fewer inspections and a green
channel, D → strict supervision, each only in the business matters the catalog gives it) and the
industry measures associations applied (`type: "industry"`). Measures are shaped like the engine's;
their `source` names the grade or the association instead of a list entry."""

import datetime as dt
import threading
import time

from django.db.models.signals import m2m_changed, post_delete, post_save

from xinyong.checks.directory import SubjectView
from xinyong.measures.models import Measure
from xinyong.measures.selectors import basis_label

from .models import Evaluation, GradeLevel, IndustryMeasureKind

# Matters in which a grade or an industry measure can show at all: a check in any other matter
# costs no query here. Dropped at once in this process on a change; other processes re-read it
# at most CACHE_SECONDS later.
CACHE_SECONDS = 30
_lock = threading.Lock()
_cache: dict = {"at": 0.0, "grade": None, "industry": None}


def _matters() -> tuple[frozenset[str], frozenset[str]]:
    grade, industry = _cache["grade"], _cache["industry"]
    if grade is not None and industry is not None and time.monotonic() - _cache["at"] <= CACHE_SECONDS:
        return grade, industry  # read twice per check: no lock on the way through
    with _lock:
        if _cache["grade"] is None or time.monotonic() - _cache["at"] > CACHE_SECONDS:
            _cache["grade"] = frozenset(
                Measure.objects.filter(grade_levels__isnull=False, is_active=True).values_list(
                    "matters__code", flat=True
                )
            ) - {None}
            _cache["industry"] = frozenset(IndustryMeasureKind.objects.values_list("matters__code", flat=True)) - {None}
            _cache["at"] = time.monotonic()
        return _cache["grade"], _cache["industry"]


def grades_concern(matter: str) -> bool:
    return matter in _matters()[0]


def industry_measures_concern(matter: str) -> bool:
    return matter in _matters()[1]


def clear_cache(**kwargs) -> None:
    with _lock:
        _cache["grade"] = _cache["industry"] = None


def _source(**supervision) -> dict:
    return {"list_type": None, "entry_id": None, "via": None, "supervision": supervision}


def grade_measures(subject: SubjectView | None, matter: str, today: dt.date) -> list[dict]:
    if subject is None or subject.is_person or not grades_concern(matter):
        return []
    evaluation = (
        Evaluation.objects.filter(subject_id=subject.pk, is_current=True).values("pk", "grade", "score").first()
    )
    if evaluation is None:
        return []
    measures = (
        Measure.objects.filter(
            grade_levels__code=evaluation["grade"],
            is_active=True,
            matters__code=matter,
            target__in=(Measure.Target.ORGANISATION, Measure.Target.BOTH),
        )
        .prefetch_related("measurebasis_set__basis")
        .distinct()
        .order_by("kind", "code")
    )
    source = _source(
        kind="credit_grade", id=evaluation["pk"], grade=evaluation["grade"], score=str(evaluation["score"])
    )
    return [
        {
            "code": m.code,
            "name": f"{m.name}（公共信用综合评价{evaluation['grade']}级）",
            "kind": m.kind,
            "force": m.force,
            "type": m.type,
            "legal_basis": [basis_label(link) for link in m.measurebasis_set.all()],
            "implementing_department": m.implementing_department_code,
            "incentive_kind": m.incentive_kind or None,
            "source": source,
            "suspended": False,
        }
        for m in measures
    ]


def industry_measures(subject: SubjectView | None, matter: str, today: dt.date) -> list[dict]:
    if subject is None or not industry_measures_concern(matter):
        return []
    from .services.associations import measures_in_force

    applied = (
        measures_in_force(today)
        .filter(subject_id=subject.pk, kind__matters__code=matter)
        .select_related("kind__legal_basis", "association")
        .distinct()
        .order_by("-kind__severity", "id")
    )
    answers = []
    for m in applied:
        bases = [m.association.rules] if m.association.rules else []
        if m.kind.legal_basis_id:
            basis = m.kind.legal_basis
            bases.append(" ".join(p for p in (basis.document_number, basis.title, m.kind.basis_article) if p))
        answers.append(
            {
                "code": f"industry-{m.kind.code}-{m.pk}",
                "name": f"{m.kind.name}（{m.association.name}）",
                "kind": "punishment",
                "force": "recommended",
                "type": "industry",
                "legal_basis": bases,
                "implementing_department": m.association.code,
                "incentive_kind": None,
                "source": _source(
                    kind="industry_measure",
                    id=m.pk,
                    association=m.association.code,
                    document_number=m.document_number,
                    ends_on=m.ends_on.isoformat() if m.ends_on else None,
                ),
                "suspended": False,
            }
        )
    return answers


def connect() -> None:
    for model in (GradeLevel, IndustryMeasureKind, Measure):
        post_save.connect(clear_cache, sender=model, dispatch_uid=f"supervision-matters-save-{model.__name__}")
        post_delete.connect(clear_cache, sender=model, dispatch_uid=f"supervision-matters-delete-{model.__name__}")
    for through in (GradeLevel.measures.through, IndustryMeasureKind.matters.through, Measure.matters.through):
        m2m_changed.connect(clear_cache, sender=through, dispatch_uid=f"supervision-matters-m2m-{through.__name__}")
