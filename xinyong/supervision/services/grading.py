"""Keeping grades current (R18): recompute a subject's evaluation when its records or list entries change,
for every subject on demand, and daily for what changed without a signal (bulk imports use
`bulk_create`) or aged out of a window. A new `Evaluation` row is written only when the result changes."""

import contextvars
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeGuard

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Min, Q

from xinyong.audit.services import SYSTEM, Actor
from xinyong.audit.services import record as audit
from xinyong.catalog.models import Disclosure
from xinyong.core import bulk, clock, parameters
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
            category=i.category.code if i.category else "",
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
    windows = [r.window_months for r in rules if r.window_months is not None]
    if len(windows) == len(rules):
        since = add_months(today, -max(windows))
        records = records.filter(Q(decision_date__gte=since) | Q(decision_date__isnull=True))
    # Plain rows, not model instances: the daily job reads millions of them after a bulk load.
    rows = records.order_by("id").values_list(
        "id",
        "subject_id",
        "decision_date",
        "received_at",
        "decision_number",
        "category__code",
        "category__name",
        "category__disclosure",
        "fields",
        "publication_ends_on",
        "published_at",
    )
    found: dict[int, list[scoring.Item]] = {}
    for pk, subject_id, decided, received, number, code, name, disclosure, fields, until, published in rows:
        found.setdefault(subject_id, []).append(
            scoring.Item(
                source="record",
                id=pk,
                on=decided or received.date(),
                label=number or f"#{pk}",
                category=code,
                category_name=name,
                fields=fields,
                until=until,
                public=disclosure == Disclosure.PUBLIC and published is not None,
            )
        )
    return found


def _scored_entries(subject_ids: list[int], model: scoring.Model):
    kinds = {r.list_kind for r in model.rules if r.source == "list_entry"}
    return ListEntry.objects.filter(
        subject_id__in=subject_ids,
        status=ListEntry.Status.ACTIVE,
        under_objection=False,
        list_type__kind__in=kinds,
    )


def _entry_items(subject_ids: list[int], model: scoring.Model, today: dt.date) -> dict[int, list[scoring.Item]]:
    entries = (
        _scored_entries(subject_ids, model)
        .filter(starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by("id")
        .values_list(
            "id",
            "subject_id",
            "starts_on",
            "ends_on",
            "document_number",
            "list_type__code",
            "list_type__name",
            "list_type__kind",
        )
    )
    found: dict[int, list[scoring.Item]] = {}
    for pk, subject_id, starts, ends, document, code, name, kind in entries:
        found.setdefault(subject_id, []).append(
            scoring.Item(
                source="list_entry",
                id=pk,
                on=starts,
                label=f"{name} {document}",
                category=code,
                category_name=name,
                list_kind=kind,
                until=ends,
                public=kind in PUBLIC_LIST_KINDS,
            )
        )
    return found


def _upcoming_starts(subject_ids: list[int], model: scoring.Model, today: dt.date) -> dict[int, dt.date]:
    """An entry decided with a later start counts from that day on, with no event to announce it: the
    grade must be recomputed that day like on a window's end."""
    starts = (
        _scored_entries(subject_ids, model)
        .filter(starts_on__gt=today)
        .order_by()
        .values("subject_id")
        .annotate(first=Min("starts_on"))
        .values_list("subject_id", "first")
    )
    return dict(starts)


@dataclass(frozen=True)
class Stored:
    evaluation: Evaluation
    previous: Evaluation | None
    changed: bool


def _unchanged(current: Evaluation | None, result: scoring.Result, model: scoring.Model) -> TypeGuard[Evaluation]:
    return (
        current is not None
        and current.score == result.score
        and current.grade == result.level.code
        and current.contributions == result.contributions
        and current.model_digest == model.digest
    )


def _new_evaluation(
    subject_id: int, result: scoring.Result, model: scoring.Model, current: Evaluation | None, trigger: str, now
) -> Evaluation:
    return Evaluation(
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


def _store(
    plan: list[tuple[int, scoring.Result, Evaluation | None]],
    model: scoring.Model,
    *,
    trigger: str,
    now: dt.datetime,
) -> list[Stored]:
    """Write the results of (subject, result, current evaluation): a new row where the result changed,
    only the recompute day where just that moved. A few statements for the whole plan."""
    stored: list[Stored] = []
    moved: list[Evaluation] = []
    for subject_id, result, current in plan:
        if not _unchanged(current, result, model):
            stored.append(Stored(_new_evaluation(subject_id, result, model, current, trigger, now), current, True))
            continue
        if current.expires_on != result.expires_on:
            current.expires_on = result.expires_on
            moved.append(current)
        stored.append(Stored(current, current, False))
    fresh = [s for s in stored if s.changed]
    Evaluation.objects.filter(pk__in=[s.previous.pk for s in fresh if s.previous]).update(is_current=False)
    bulk.insert([s.evaluation for s in fresh])
    Evaluation.objects.bulk_update(moved, ["expires_on"], batch_size=CHUNK)
    return stored


def _after_change(stored: list[Stored]) -> None:
    """A grade that calls for the watch list (D by default) is put forward once, when it is reached."""
    referring = set(GradeLevel.objects.filter(refer_to_watch_list=True).values_list("code", flat=True))
    reached = [
        s.evaluation
        for s in stored
        if s.changed and s.evaluation.grade in referring and (s.previous is None or s.previous.grade not in referring)
    ]
    if reached:
        from .watch import refer_for_grades

        refer_for_grades(reached)


def _compute(subject_ids: list[int], model: scoring.Model, today: dt.date) -> dict[int, scoring.Result]:
    records = _record_items(subject_ids, model, today)
    entries = _entry_items(subject_ids, model, today)
    starts = _upcoming_starts(subject_ids, model, today)
    results = {}
    for sid in subject_ids:
        result = scoring.evaluate(model, records.get(sid, []) + entries.get(sid, []), today)
        if sid in starts:
            result.expires_on = min(filter(None, (result.expires_on, starts[sid])))
        results[sid] = result
    return results


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
        [stored] = _store([(subject.pk, result, previous)], model, trigger=trigger, now=clock.now())
        if stored.changed:
            audit(
                actor=actor,
                action="evaluation.change",
                object_type="subject",
                object_id=subject.public_code,
                before={"grade": previous.grade, "score": previous.score} if previous else None,
                after={"grade": stored.evaluation.grade, "score": stored.evaluation.score, "trigger": trigger},
            )
            _after_change([stored])
        return stored.evaluation
    finally:
        _busy.reset(token)


def refresh_id(subject_id: int, *, trigger: str) -> None:
    subject = Subject.objects.filter(pk=subject_id).first()
    if subject is not None:
        refresh(subject, trigger=trigger)


def _recompute_chunk(subject_ids: list[int], model: scoring.Model, *, trigger: str) -> list[Stored]:
    today, now = clock.today(), clock.now()
    results = _compute(subject_ids, model, today)
    existing = {e.subject_id: e for e in Evaluation.objects.filter(subject_id__in=subject_ids, is_current=True)}
    plan = [(sid, results[sid], existing.get(sid)) for sid in subject_ids]
    try:
        with transaction.atomic():
            return _store(plan, model, trigger=trigger, now=now)
    except IntegrityError:
        pass  # a subject of the chunk was refreshed meanwhile by a record change: store one by one
    stored = []
    for step in plan:
        try:
            with transaction.atomic():
                stored += _store([step], model, trigger=trigger, now=now)
        except IntegrityError:
            continue  # that concurrent result is as current
    return stored


def recompute(subject_ids: Iterable[int], *, trigger: str, actor: Actor = SYSTEM) -> dict:
    """Recompute many subjects in chunks (grade --all, the daily job); one audit event for the run."""
    model = load_model()
    ids = sorted(set(subject_ids))
    evaluated = changed = 0
    grades: dict[str, int] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = list(
            Subject.objects.filter(pk__in=ids[start : start + CHUNK])
            .exclude(kind=Subject.Kind.NATURAL_PERSON)
            .values_list("pk", flat=True)
        )
        stored = _recompute_chunk(chunk, model, trigger=trigger)
        _after_change(stored)
        for one in stored:
            evaluated += 1
            changed += int(one.changed)
            grades[one.evaluation.grade] = grades.get(one.evaluation.grade, 0) + 1
    counts = {"evaluated": evaluated, "changed": changed, "grades": grades}
    if changed:
        audit(actor=actor, action="evaluation.recompute", object_type="evaluation", object_id=trigger, after=counts)
    return counts


def recompute_all(*, actor: Actor = SYSTEM, trigger: str = "all") -> dict:
    ids = Subject.objects.exclude(kind=Subject.Kind.NATURAL_PERSON).values_list("pk", flat=True)
    return recompute(ids.iterator(chunk_size=5000), trigger=trigger, actor=actor)


def _since_last_runs(name: str, model, subject_path: str) -> set[int]:
    """Subjects with rows of `model` added since the last run. Ids are not commit order: a row of a
    transaction still open at a run may have a lower id than that run's newest. So when another session
    may have been writing during a run, the next run reads that run's range again; when none was (the
    usual nightly case, and after a bulk load), every id up to the newest was already visible and the
    next run starts there — so a second run of a day does not re-read a whole bulk load."""
    now = clock.now()
    mark, _ = JobMark.objects.get_or_create(name=name, defaults={"value": 0, "previous": 0, "updated_at": now})
    newest = model.objects.aggregate(m=Max("pk"))["m"] or 0
    # Checked after `newest` and before the range is read: a transaction open now may hold ids up to it.
    settled = not _others_may_be_writing()
    subjects = set(
        model.objects.filter(pk__gt=mark.previous, pk__lte=newest).values_list(subject_path, flat=True).distinct()
    )
    mark.previous, mark.value, mark.updated_at = newest if settled else mark.value, newest, now
    mark.save(update_fields=["previous", "value", "updated_at"])
    return subjects


def _others_may_be_writing() -> bool:
    """Whether another session of this database has a transaction open. Assumed so on SQLite, and
    when this role may not see other sessions (their state then reads NULL)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        # Activity statistics are otherwise read once per transaction and then kept: this job's three
        # checks run inside one transaction and must each see the sessions of their own moment.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend' AND (xact_start IS NOT NULL OR state IS NULL)"
        )
        return cursor.fetchone()[0] > 0


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
