"""Reading the supervision slice: public profile sections (commitments, the grade and its explanation,
industry measures; R17, R18, R23, R27) and the bodies the API returns."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from xinyong.core import clock
from xinyong.subjects.models import Subject

from .models import (
    Association,
    Authorisation,
    Commitment,
    CommitmentTemplate,
    Evaluation,
    GradeLevel,
    IndustryMeasure,
    InspectionPlan,
    InspectionTask,
    Inspector,
    Interview,
    RectificationOrder,
    ScoreIndicator,
    WatchReferral,
)

PROFILE_LIMIT = 50


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _subject(subject: Subject) -> dict:
    return {"code": subject.public_code, "name": subject.name}


# ---- commitments -------------------------------------------------------------------------------


def public_commitment(c: Commitment, status: str | None = None) -> dict:
    status = status or c.status
    display = Commitment.Status(status).label
    what = c.item_name or c.matter or c.get_kind_display()
    text = f"{c.made_at.date().isoformat()} 向{c.department.name}作出{c.get_kind_display()}（{what}）：{c.text}"
    if c.due_on:
        text += f"；履约期限 {c.due_on.isoformat()}"
    return {
        "number": c.number,
        "kind": c.kind,
        "kind_display": c.get_kind_display(),
        "item_name": c.item_name,
        "matter": c.matter,
        "department": c.department.name,
        "made_on": c.made_at.date(),
        "due_on": c.due_on,
        "status": status,
        "status_display": display,
        "text": f"{text}；{display}",
    }


def commitments_section(subject: Subject, as_of: dt.date | None) -> tuple[str, list]:
    """Commitments are public (002 §1: 书面承诺履约情况记入信用记录并公示), with their fulfilment."""
    commitments = Commitment.objects.filter(subject=subject).select_related("department").order_by("-made_at", "-id")
    if as_of is None:
        return "commitments", [public_commitment(c) for c in commitments[:PROFILE_LIMIT]]
    moment = _end_of(as_of)
    items = []
    for c in commitments.filter(made_at__lte=moment)[:PROFILE_LIMIT]:
        resolved = c.resolved_at is not None and c.resolved_at <= moment
        items.append(public_commitment(c, c.status if resolved else Commitment.Status.PENDING))
    return "commitments", items


def commitment_body(c: Commitment) -> dict:
    return {
        **public_commitment(c),
        "id": c.pk,
        "subject": _subject(c.subject),
        "department_code": c.department.code,
        "template": c.template.code if c.template else None,
        "commitment_text": c.text,
        "missing_materials": c.missing_materials,
        "reference": c.reference,
        "made_at": c.made_at,
        "made_by": c.made_by,
        "resolved_at": c.resolved_at,
        "resolution": c.resolution,
        "breach_kind": c.breach_kind or None,
        "record": c.record_id,
        "breach_record": c.breach_record_id,
    }


def template_body(t: CommitmentTemplate) -> dict:
    return {
        "code": t.code,
        "name": t.name,
        "kind": t.kind,
        "kind_display": t.get_kind_display(),
        "matter": t.matter.code if t.matter else None,
        "item_name": t.item_name,
        "department": t.department_code or None,
        "department_name": t.department_name,
        "conditions": t.conditions,
        "text": t.text,
        "deadline_working_days": t.deadline_working_days,
        "period_months": t.period_months,
        "source": t.source,
    }


# ---- grades ------------------------------------------------------------------------------------


def public_evaluation(e: Evaluation) -> dict:
    """The grade and its explanation as anyone may see it: records of non-public categories are
    counted, not named."""
    shown = [c for c in e.contributions if c["public"]]
    hidden = [c for c in e.contributions if not c["public"]]
    return {
        "grade": e.grade,
        "grade_name": e.grade_name,
        "score": e.score,
        "base": e.base,
        "computed_at": e.computed_at,
        "explanation": e.summary,
        "contributions": [
            {k: c[k] for k in ("indicator", "indicator_name", "category_name", "label", "date", "points", "applied")}
            for c in shown
        ],
        "non_public": {"count": len(hidden), "applied": str(sum((Decimal(c["applied"]) for c in hidden), Decimal(0)))},
    }


def grade_section(subject: Subject, as_of: dt.date | None) -> tuple[str, dict | None]:
    if subject.is_person:
        return "credit_grade", None
    evaluations = Evaluation.objects.filter(subject=subject)
    if as_of is None:
        found = evaluations.filter(is_current=True).first()
    else:
        found = evaluations.filter(computed_at__lte=_end_of(as_of)).order_by("-computed_at", "-id").first()
    return "credit_grade", public_evaluation(found) if found else None


def evaluation_body(e: Evaluation) -> dict:
    """The full explanation (for departments): every contribution, public or not, with record ids."""
    return {
        "id": e.pk,
        "grade": e.grade,
        "grade_name": e.grade_name,
        "score": e.score,
        "base": e.base,
        "previous_grade": e.previous_grade or None,
        "computed_at": e.computed_at,
        "trigger": e.trigger,
        "is_current": e.is_current,
        "expires_on": e.expires_on,
        "explanation": e.summary,
        "contributions": e.contributions,
        "model_digest": e.model_digest,
    }


def scoring_model() -> dict:
    """The scoring model as data, published so every grade can be checked (transparency, R18)."""
    from xinyong.core import parameters

    return {
        "base_score": parameters.value("grade_base_score"),
        "score_range": [0, 100],
        "indicators": [
            {
                "code": i.code,
                "name": i.name,
                "source": i.source,
                "category": i.category.code if i.category else None,
                "list_kind": i.list_kind or None,
                "match_field": i.match_field or None,
                "match_values": i.match_values,
                "points": i.points,
                "cap": i.cap,
                "window_months": i.window_months,
                "description": i.description,
            }
            for i in ScoreIndicator.objects.filter(is_active=True).select_related("category")
        ],
        "grades": [
            {
                "code": lv.code,
                "name": lv.name,
                "min_score": lv.min_score,
                "inspection_ratio": lv.inspection_ratio,
                "supervision": lv.supervision,
                "allows_tolerance": lv.allows_tolerance,
                "refer_to_watch_list": lv.refer_to_watch_list,
                "measures": [m.code for m in lv.measures.all()],
            }
            for lv in GradeLevel.objects.prefetch_related("measures")
        ],
    }


# ---- industry measures ---------------------------------------------------------------------------


def industry_body(m: IndustryMeasure) -> dict:
    return {
        "id": m.pk,
        "association": m.association.code,
        "association_name": m.association.name,
        "subject": _subject(m.subject),
        "kind": m.kind.code,
        "kind_name": m.kind.name,
        "document_number": m.document_number,
        "reason": m.reason,
        "decided_on": m.decided_on,
        "starts_on": m.starts_on,
        "ends_on": m.ends_on,
        "status": m.status,
        "end_reason": m.end_reason or None,
    }


def industry_section(subject: Subject, as_of: dt.date | None) -> tuple[str, list]:
    """Industry measures in force whose kind is public (criticism, censure, expulsion by default)."""
    on = as_of or clock.today()
    measures = IndustryMeasure.objects.filter(subject=subject, kind__public=True, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )
    if as_of is None:
        measures = measures.filter(status=IndustryMeasure.Status.ACTIVE)
    else:
        moment = _end_of(as_of)
        measures = measures.filter(created_at__lte=moment).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=moment))
    found = measures.select_related("association", "kind", "subject").order_by("-decided_on", "-id")[:PROFILE_LIMIT]
    hidden = ("subject", "status", "end_reason")
    return "industry_measures", [{k: v for k, v in industry_body(m).items() if k not in hidden} for m in found]


def association_body(a: Association) -> dict:
    return {
        "code": a.code,
        "name": a.name,
        "uscc": a.uscc,
        "supervisor": a.supervisor_code or None,
        "rules": a.rules,
    }


# ---- inspections -------------------------------------------------------------------------------


def inspector_body(i: Inspector) -> dict:
    return {"id": i.pk, "code": i.code, "name": i.name, "department": i.department.code, "active": i.is_active}


def task_body(t: InspectionTask) -> dict:
    return {
        "id": t.pk,
        "subject": _subject(t.subject),
        "grade": t.grade,
        "inspectors": t.inspectors,
        "excluded": t.excluded,
        "result": t.result or None,
        "result_display": t.get_result_display() if t.result else None,
        "findings": t.findings,
        "inspected_on": t.inspected_on,
        "record": t.record_id,
    }


def plan_body(p: InspectionPlan, *, with_tasks: bool = True) -> dict:
    body = {
        "id": p.pk,
        "number": p.number,
        "department": p.department.code,
        "name": p.name,
        "scope": p.scope,
        "seed": p.seed,
        "algorithm": p.algorithm,
        "ratios": p.ratios,
        "population": {g: len(keys) for g, keys in p.population.items()},
        "population_digest": p.population_digest,
        "inspector_pool": p.inspector_pool,
        "inspectors_per_subject": p.inspectors_per_subject,
        "drawn_at": p.drawn_at,
        "drawn_by": p.drawn_by,
    }
    if with_tasks:
        tasks = p.tasks.select_related("subject").order_by("grade", "id")
        body["tasks"] = [task_body(t) for t in tasks]
        body["drawn"] = {}
        for task in body["tasks"]:
            body["drawn"][task["grade"]] = body["drawn"].get(task["grade"], 0) + 1
    return body


# ---- rectification, interviews, referrals, authorisations ----------------------------------------


def order_body(o: RectificationOrder) -> dict:
    return {
        "id": o.pk,
        "number": o.number,
        "subject": _subject(o.subject),
        "department": o.department.code,
        "document_number": o.document_number,
        "reason": o.reason,
        "requirements": o.requirements,
        "ordered_on": o.ordered_on,
        "deadline": o.deadline,
        "status": o.status,
        "status_display": o.get_status_display(),
        "rectified_on": o.rectified_on,
        "completion_note": o.completion_note,
        "escalated_at": o.escalated_at,
        "record": o.record_id,
        "basis_record": o.basis_record_id,
    }


def interview_body(i: Interview) -> dict:
    return {
        "id": i.pk,
        "number": i.number,
        "subject": _subject(i.subject),
        "department": i.department.code,
        "kind": i.kind,
        "kind_display": i.get_kind_display(),
        "rectification": i.order_id,
        "held_on": i.held_on,
        "interviewees": i.interviewees,
        "content": i.content,
        "record": i.record_id,
    }


def referral_body(r: WatchReferral) -> dict:
    return {
        "id": r.pk,
        "number": r.number,
        "subject": _subject(r.subject),
        "source": r.source,
        "source_display": r.get_source_display(),
        "reason": r.reason,
        "evaluation": r.evaluation_id,
        "rectification": r.order_id,
        "status": r.status,
        "status_display": r.get_status_display(),
        "list_entry": r.entry_id,
        "created_at": r.created_at,
        "decided_at": r.decided_at,
        "decided_by": r.decided_by or None,
        "note": r.note,
    }


def authorisation_body(a: Authorisation) -> dict:
    today = clock.today()
    return {
        "id": a.pk,
        "subject": _subject(a.subject),
        "grantee": a.grantee.code,
        "grantee_name": a.grantee.name,
        "scope": a.scope,
        "categories": a.categories,
        "purpose": a.purpose,
        "valid_from": a.valid_from,
        "valid_to": a.valid_to,
        "revoked_at": a.revoked_at,
        "in_force": a.revoked_at is None and a.valid_from <= today <= a.valid_to,
    }
