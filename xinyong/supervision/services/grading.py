"""Keeping grades current (R18): recompute a subject's evaluation when its records or list entries change,
for every subject on demand, and daily for what changed without a signal (bulk imports use
`bulk_create`) or aged out of a window. A new `Evaluation` row is written only when the result changes."""

import contextvars
import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max, Q

from xinyong.audit.services import SYSTEM, Actor
from xinyong.audit.services import record as audit
from xinyong.catalog.models import Disclosure
from xinyong.core import clock, parameters
from xinyong.core.dates import add_months
from xinyong.lists.models import ListEntry, ListEntryEvent
from xinyong.records.models import Record, RecordEvent
from xinyong.subjects.models import Subject

from .. import scoring
from ..models import Evaluation, GradeLevel, JobMark, ScoreIndicator

CHUNK = 500
PUBLIC_LIST_KINDS = ("red", "black")
# Subjects being refreshed in this context: a refresh that lists a subject (watch list) must not
# recurse into itself through the list-entry signal.
_busy: contextvars.ContextVar[frozenset[int]] = contextvars.ContextVar("supervision_grading", default=frozenset())


def load_model() -> scoring.Model:
    rules = tuple(
        scoring.Rule(
            code=i.code,
            name=i.name,
            source=i.source,
            category=i.category.code if i.category_id else "",
            match_field=i.match_field,
            match_values=tuple(str(v) for v in i.match_values or ()),
            list_kind=i.list_kind,
            points=i.points,
            cap=i.cap,
            window_months=i.window_months,
        )
        for i in ScoreIndicator.objects.filter(is_active=True).select_related("category").order_by("sort_order", "code")
    )
    levels = tuple(scoring.Level(lv.code, lv.name, lv.min_score) for lv in GradeLevel.objects.order_by("-min_score"))
    return scoring.Model(base=parameters.value("grade_base_score").quantize(scoring.CENT), rules=rules, levels=levels)


def graded(subject: Subject) -> bool:
    """Market subjects are graded (002 §6); natural persons are not given a public grade."""
    return not subject.is_person


def _record_items(subject_ids: list[int], model: scoring.Model, today: dt.date) -> dict[int, list[scoring.Item]]:
    rules = [r for r in model.rules if r.source == "record"]
    if not rules:
        return {}
    records = Record.objects.filter(
        subject_id__in=subject_ids,
        is_current=True,
        status=Record.Status.ACTIVE,
        category__code__in={r.category for r in rules},
    ).filter(Q(publication_ends_on__isnull=True) | Q(publication_ends_on__gte=today))
    if all(r.window_months is not None for r in rules):
        since = add_months(today, -max(r.window_months for r in rules))
        records = records.filter(Q(decision_date__gte=since) | Q(decision_date__isnull=True))
    found: dict[int, list[scoring.Item]] = {}
    for r in records.select_related("category").order_by("id"):
        found.setdefault(r.subject_id, []).append(
            scoring.Item(
                source="record",
                id=r.pk,
                on=r.decision_date or r.received_at.date(),
                label=r.decision_number or f"#{r.pk}",
                category=r.category.code,
                category_name=r.category.name,
                fields=r.fields,
                until=r.publication_ends_on,
                public=r.category.disclosure == Disclosure.PUBLIC and r.published_at is not None,
            )
        )
    return found


def _entry_items(subject_ids: list[int], model: scoring.Model, today: dt.date) -> dict[int, list[scoring.Item]]:
    kinds = {r.list_kind for r in model.rules if r.source == "list_entry"}
    if not kinds:
        return {}
    entries = (
        ListEntry.objects.filter(
            subject_id__in=subject_ids,
            status=ListEntry.Status.ACTIVE,
            under_objection=False,
            starts_on__lte=today,
            list_type__kind__in=kinds,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("list_type")
        .order_by("id")
    )
    found: dict[int, list[scoring.Item]] = {}
    for e in entries:
        found.setdefault(e.subject_id, []).append(
            scoring.Item(
                source="list_entry",
                id=e.pk,
                on=e.starts_on,
                label=f"{e.list_type.name} {e.document_number}",
                category=e.list_type.code,
                category_name=e.list_type.name,
                list_kind=e.list_type.kind,
                until=e.ends_on,
                public=e.list_type.kind in PUBLIC_LIST_KINDS,
            )
        )
    return found


def _store(
    subject_id: int,
    result: scoring.Result,
    model: scoring.Model,
    current: Evaluation | None,
    *,
    trigger: str,
    now: dt.datetime,
) -> tuple[Evaluation, bool]:
    if (
        current is not None
        and current.score == result.score
        and current.grade == result.level.code
        and current.contributions == result.contributions
        and current.model_digest == model.digest
    ):
        if current.expires_on != result.expires_on:
            current.expires_on = result.expires_on
            current.save(update_fields=["expires_on"])
        return current, False
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
    evaluation = Evaluation.objects.create(
        subject_id=subject_id,
        grade=result.level.code,
        grade_name=result.level.name,
        score=result.score,
        base=model.base,
        contributions=result.contributions,
        summary=result.summary(model.base),
        model_digest=model.digest,
        computed_at=now,
        trigger=trigger[:32],
        previous_grade=current.grade if current else "",
        is_current=True,
        expires_on=result.expires_on,
    )
    return evaluation, True


def _after_change(evaluation: Evaluation, previous: Evaluation | None) -> None:
    """A grade that calls for the watch list (D by default) is put forward once, when it is reached."""
    referring = set(GradeLevel.objects.filter(refer_to_watch_list=True).values_list("code", flat=True))
    if evaluation.grade in referring and (previous is None or previous.grade not in referring):
        from .watch import refer_for_grade

        refer_for_grade(evaluation)


def _compute(subject_ids: list[int], model: scoring.Model, today: dt.date) -> dict[int, scoring.Result]:
    records = _record_items(subject_ids, model, today)
    entries = _entry_items(subject_ids, model, today)
    return {sid: scoring.evaluate(model, records.get(sid, []) + entries.get(sid, []), today) for sid in subject_ids}


def current(subject: Subject) -> Evaluation | None:
    return Evaluation.objects.filter(subject=subject, is_current=True).first()


@transaction.atomic
def refresh(subject: Subject, *, trigger: str, actor: Actor = SYSTEM) -> Evaluation | None:
    """Recompute one subject now; returns its current evaluation (None for persons)."""
    if not graded(subject) or subject.pk in _busy.get():
        return current(subject) if graded(subject) else None
    token = _busy.set(_busy.get() | {subject.pk})
    try:
        # Serialise refreshes of one subject (PostgreSQL); SQLite serialises writers anyway.
        Subject.objects.select_for_update().filter(pk=subject.pk).values_list("pk", flat=True).first()
        model = load_model()
        previous = current(subject)
        result = _compute([subject.pk], model, clock.today())[subject.pk]
        evaluation, changed = _store(subject.pk, result, model, previous, trigger=trigger, now=clock.now())
        if changed:
            audit(
                actor=actor,
                action="evaluation.change",
                object_type="subject",
                object_id=subject.public_code,
                before={"grade": previous.grade, "score": previous.score} if previous else None,
                after={"grade": evaluation.grade, "score": evaluation.score, "trigger": trigger},
            )
            _after_change(evaluation, previous)
        return evaluation
    finally:
        _busy.reset(token)


def refresh_id(subject_id: int, *, trigger: str) -> None:
    subject = Subject.objects.filter(pk=subject_id).first()
    if subject is not None:
        refresh(subject, trigger=trigger)


def recompute(subject_ids: Iterable[int], *, trigger: str, actor: Actor = SYSTEM) -> dict:
    """Recompute many subjects in chunks (grade --all, the daily job); one audit event for the run."""
    model, today, now = load_model(), clock.today(), clock.now()
    ids = sorted(set(subject_ids))
    counts = {"evaluated": 0, "changed": 0, "grades": {}}
    for start in range(0, len(ids), CHUNK):
        chunk = list(
            Subject.objects.filter(pk__in=ids[start : start + CHUNK])
            .exclude(kind=Subject.Kind.NATURAL_PERSON)
            .values_list("pk", flat=True)
        )
        results = _compute(chunk, model, today)
        existing = {e.subject_id: e for e in Evaluation.objects.filter(subject_id__in=chunk, is_current=True)}
        for sid in chunk:
            previous = existing.get(sid)
            try:
                with transaction.atomic():
                    evaluation, changed = _store(sid, results[sid], model, previous, trigger=trigger, now=now)
                    if changed:
                        _after_change(evaluation, previous)
            except IntegrityError:
                continue  # refreshed concurrently by a record change: that result is as current
            counts["evaluated"] += 1
            counts["changed"] += int(changed)
            counts["grades"][evaluation.grade] = counts["grades"].get(evaluation.grade, 0) + 1
    if counts["changed"]:
        audit(actor=actor, action="evaluation.recompute", object_type="evaluation", object_id=trigger, after=counts)
    return counts


def recompute_all(*, actor: Actor = SYSTEM, trigger: str = "all") -> dict:
    ids = Subject.objects.exclude(kind=Subject.Kind.NATURAL_PERSON).values_list("pk", flat=True)
    return recompute(ids.iterator(chunk_size=5000), trigger=trigger, actor=actor)


def _since_last_runs(name: str, model, subject_path: str) -> set[int]:
    """Subjects with rows of `model` added since the run before last. Ids are not commit order: a row
    of a transaction still open at the last run may have a lower id than that run's newest, so every
    id range is read on two consecutive runs (a re-read subject that did not change writes nothing)."""
    now = clock.now()
    mark, _ = JobMark.objects.get_or_create(name=name, defaults={"value": 0, "previous": 0, "updated_at": now})
    newest = model.objects.aggregate(m=Max("pk"))["m"] or 0
    since = mark.previous
    subjects = set(model.objects.filter(pk__gt=since, pk__lte=newest).values_list(subject_path, flat=True).distinct())
    mark.previous, mark.value, mark.updated_at = mark.value, newest, now
    mark.save(update_fields=["previous", "value", "updated_at"])
    return subjects


@transaction.atomic
def refresh_due(today: dt.date) -> dict:
    """Daily: subjects with new records, status changes or list changes since the last run, and those
    whose counted records leave their window today."""
    changed = _since_last_runs("grades.records", Record, "subject_id")
    changed |= _since_last_runs("grades.record_events", RecordEvent, "record__subject_id")
    changed |= _since_last_runs("grades.list_events", ListEntryEvent, "entry__subject_id")
    changed |= set(
        Evaluation.objects.filter(is_current=True, expires_on__lte=today).values_list("subject_id", flat=True)
    )
    if not changed:
        return {"evaluated": 0, "changed": 0}
    counts = recompute(changed, trigger="daily", actor=Actor(name="system", channel="daily"))
    return {"evaluated": counts["evaluated"], "changed": counts["changed"]}
