"""Collection of credit records (归集, R3) and double publicity (双公示, R4). Every write is audited."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter

from django.db import IntegrityError, transaction

from xinyong.accounts.models import Department
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.catalog.models import Category, Disclosure
from xinyong.catalog.selectors import get_category, schema_of
from xinyong.core import calendar, clock
from xinyong.core.errors import Forbidden, InvalidInput, NotFound
from xinyong.core.lengths import abbreviate, column_length, within
from xinyong.subjects.services import ensure_subjects

from .models import Channel, ImportJob, Record, RecordEvent
from .preparation import Prepared, prepare

CREATED, VERSION, DUPLICATE = "created", "version", "duplicate"
# Slices that derive something from a subject's records (grades) are told of each record delivered one
# by one: callables (subject_id) registered from AppConfig.ready(). Bulk imports are caught up by the
# daily jobs instead, so a large file does not recompute thousands of subjects inside its batches.
RECORD_DELIVERED: list = []


@dataclass
class Stored:
    record: Record
    outcome: str
    warnings: list[str] = field(default_factory=list)


def check_provider(category: Category, provider: Department) -> None:
    allowed = list(category.providers.values_list("code", flat=True))
    if allowed and provider.code not in allowed:
        raise Forbidden(
            f"{provider.name}不是“{category.name}”的提供部门（提供部门：{'、'.join(allowed)}）", code="not_a_provider"
        )


@dataclass
class _Batch:
    """State while storing prepared rows in order, so a later row of the same batch sees the earlier."""

    current_by_hash: dict[str, Record]
    current_by_decision: dict[str, Record]


def _decision_key(decision_number: str) -> str:
    return decision_number.strip()


def _load_batch_state(category: Category, provider: Department, rows: list[Prepared]) -> _Batch:
    hashes = {p.content_hash for p in rows}
    numbers = {_decision_key(p.decision_number) for p in rows if p.decision_number}
    # Two queries, each on its own index: with an OR, PostgreSQL filters every record of the provider.
    held = Record.objects.filter(category=category, provider=provider, is_current=True)
    current = {r.pk: r for r in held.filter(content_hash__in=hashes)}
    if numbers:
        current.update((r.pk, r) for r in held.filter(decision_number__in=numbers))
    batch = _Batch({}, {})
    for record in sorted(current.values(), key=lambda r: r.pk):
        batch.current_by_hash[record.content_hash] = record
        if record.decision_number:
            batch.current_by_decision[_decision_key(record.decision_number)] = record
    return batch


# The columns of a new record that come from its content (`Prepared` has them under the same names);
# the others are its provenance.
CONTENT_COLUMNS = (
    "decision_number",
    "decision_date",
    "fields",
    "content_hash",
    "personal_encrypted",
    "publish_due",
    "publication_ends_on",
)


def content_columns(prepared: Prepared) -> dict:
    return {name: getattr(prepared, name) for name in CONTENT_COLUMNS}


def content_getter() -> Callable[[Prepared], tuple]:
    """A prepared row's content columns as a tuple, in `CONTENT_COLUMNS` order (bulk imports)."""
    return attrgetter(*CONTENT_COLUMNS)


def provenance_columns(
    *, category: Category, provider: Department, actor: Actor, channel: str, job: ImportJob | None
) -> dict:
    return {
        "category": category,
        "provider": provider,
        "channel": channel,
        "received_by": actor.name,
        "import_job": job,
    }


def published_on_receipt(prepared: Prepared, category: Category, *, publish: bool) -> bool:
    return publish and prepared.publishable and category.disclosure == Disclosure.PUBLIC


def _new_record(
    prepared: Prepared,
    *,
    category: Category,
    provider: Department,
    subject_id: int,
    actor: Actor,
    channel: str,
    now: dt.datetime,
    publish: bool,
    raw: dict | None,
    job: ImportJob | None,
    line: int | None,
) -> Record:
    return Record(
        **content_columns(prepared),
        **provenance_columns(category=category, provider=provider, actor=actor, channel=channel, job=job),
        subject_id=subject_id,
        received_at=now,
        source_line=line,
        raw=prepared.mask(raw) if raw else None,
        published_at=now if published_on_receipt(prepared, category, publish=publish) else None,
    )


def _supersede(previous: Record, record: Record, now: dt.datetime) -> None:
    record.version = previous.version + 1
    record.supersedes = previous
    previous.is_current = False
    previous.save(update_fields=["is_current"])
    set_status(previous, Record.Status.SUPERSEDED, actor_name=record.received_by, reason=f"被第{record.version}版替代")


def store(
    *,
    actor: Actor,
    category: Category,
    provider: Department,
    rows: list[tuple[int | None, Prepared, dict | None]],
    channel: str,
    publish: bool = True,
    job: ImportJob | None = None,
) -> list[tuple[Record, str]]:
    """Store prepared rows (line, prepared, raw) in order: identical content → duplicate, same decision
    number with other content → new version, otherwise a new record. One transaction per call."""
    now = clock.now()
    with transaction.atomic():
        subject_ids = ensure_subjects(
            actor=actor, refs=[p.subject for _, p, _ in rows], reason=f"job:{job.pk}" if job else channel
        )
        batch = _load_batch_state(category, provider, [p for _, p, _ in rows])
        results: list[tuple[Record, str]] = []
        fresh: list[Record] = []
        for line, prepared, raw in rows:
            existing = batch.current_by_hash.get(prepared.content_hash)
            if existing is not None:
                results.append((existing, DUPLICATE))
                continue
            record = _new_record(
                prepared,
                category=category,
                provider=provider,
                subject_id=subject_ids[prepared.subject.key],
                actor=actor,
                channel=channel,
                now=now,
                publish=publish,
                raw=raw,
                job=job,
                line=line,
            )
            previous = batch.current_by_decision.get(_decision_key(prepared.decision_number))
            if prepared.decision_number and previous is not None:
                if previous.pk is None:  # an earlier row of this same batch: store it first
                    previous.save()
                    fresh.remove(previous)
                _supersede(previous, record, now)
                batch.current_by_hash.pop(previous.content_hash, None)
            outcome = VERSION if record.version > 1 else CREATED
            fresh.append(record)
            batch.current_by_hash[record.content_hash] = record
            if record.decision_number:
                batch.current_by_decision[_decision_key(record.decision_number)] = record
            results.append((record, outcome))
        Record.objects.bulk_create(fresh, batch_size=1000)
    return results


def set_status(record: Record, status: str, *, actor_name: str, reason: str, published: bool | None = None) -> None:
    """Change a record's status and keep the change in its history (for `as_of`)."""
    now = clock.now()
    note = abbreviate(reason, column_length(Record, "status_reason"))
    record.status, record.status_reason, record.status_changed_at = status, note, now
    record.save(update_fields=["status", "status_reason", "status_changed_at"])
    RecordEvent.objects.create(
        record=record,
        status=status,
        reason=note,
        actor=actor_name,
        occurred_at=now,
        published=record.published_at is not None if published is None else published,
    )


def _reject(errors) -> InvalidInput:
    return InvalidInput(
        "信用信息未通过校验：" + "；".join(e.reason for e in errors),
        code="invalid_record",
        details=[e.as_dict() for e in errors],
    )


def ingest_record(
    *,
    actor: Actor,
    provider: Department,
    category_code: str,
    fields: dict,
    channel: str = Channel.API,
    publish: bool = True,
) -> Stored:
    """One record from a provider's system (POST /records)."""
    category = get_category(category_code)
    check_provider(category, provider)
    prepared = prepare(category, schema_of(category), fields, provider_code=provider.code, today=clock.today())
    if isinstance(prepared, list):
        raise _reject(prepared)
    try:
        [(record, outcome)] = store(
            actor=actor,
            category=category,
            provider=provider,
            rows=[(None, prepared, fields)],
            channel=channel,
            publish=publish,
        )
    except IntegrityError:
        # The same content arrived concurrently and won the race: it is a duplicate of that one.
        record = Record.objects.get(content_hash=prepared.content_hash, is_current=True)
        outcome = DUPLICATE
    if outcome != DUPLICATE:
        for listener in RECORD_DELIVERED:
            listener(record.subject_id)
        audit(
            actor=actor,
            action=f"record.{outcome}",
            object_type="record",
            object_id=record.pk,
            after={
                "category": category.code,
                "decision_number": record.decision_number,
                "subject": record.subject_id,
                "version": record.version,
            },
        )
    return Stored(record, outcome, prepared.warnings)


def _own_record(record_id: int, provider: Department) -> Record:
    record = Record.objects.select_related("category").filter(pk=record_id).first()
    if record is None:
        raise NotFound("信用信息不存在", code="record_not_found")
    if record.provider_id != provider.pk:
        raise Forbidden("只能处理本部门报送的信用信息", code="not_own_record")
    return record


@transaction.atomic
def publish_record(*, actor: Actor, provider: Department, record_id: int) -> Record:
    record = _own_record(record_id, provider)
    if record.category.disclosure != Disclosure.PUBLIC:
        raise InvalidInput(f"“{record.category.name}”不向社会公开", code="not_public_category")
    if record.published_at is None and record.is_current:
        record.published_at = clock.now()
        record.save(update_fields=["published_at"])
        RecordEvent.objects.create(
            record=record,
            status=record.status,
            published=True,
            reason="公示",
            actor=actor.name,
            occurred_at=record.published_at,
        )
        audit(actor=actor, action="record.publish", object_type="record", object_id=record.pk)
    return record


@transaction.atomic
def withdraw_record(*, actor: Actor, provider: Department, record_id: int, reason: str) -> Record:
    """The deciding department revoked or changed its decision: the record leaves public view."""
    if not reason.strip():
        raise InvalidInput("撤回须说明理由", code="reason_required")
    record = _own_record(record_id, provider)
    if not record.is_current or record.status == Record.Status.REVOKED:
        raise InvalidInput("该信息已撤销或已有新版本", code="not_current")
    before = {"status": record.status}
    reason = within(reason.strip(), Record, "status_reason", field="reason")
    set_status(record, Record.Status.REVOKED, actor_name=actor.name, reason=reason)
    audit(
        actor=actor,
        action="record.withdraw",
        object_type="record",
        object_id=record.pk,
        before=before,
        after={"status": record.status, "reason": record.status_reason},
    )
    return record


def flag_overdue_publicity(*, today: dt.date) -> dict:
    """Daily: fill due dates the calendar can now compute, and flag unpublished records past due."""
    filled = _fill_missing_due_dates()
    overdue = Record.objects.filter(
        is_current=True,
        published_at__isnull=True,
        publish_due__lt=today,
        overdue_flagged_on__isnull=True,
        status=Record.Status.ACTIVE,
    )
    flagged = overdue.update(overdue_flagged_on=today)
    if flagged or filled:
        audit(
            actor=Actor(name="system", channel="daily"),
            action="record.overdue_flag",
            object_type="daily",
            object_id=today.isoformat(),
            after={"flagged": flagged, "due_dates_filled": filled},
        )
    return {"flagged": flagged, "due_dates_filled": filled}


def _fill_missing_due_dates() -> int:
    filled = 0
    pending = Record.objects.filter(
        publish_due__isnull=True,
        decision_date__isnull=False,
        category__publish_within_working_days__isnull=False,
    ).select_related("category")
    for record in pending.iterator(chunk_size=2000):
        decided, within = record.decision_date, record.category.publish_within_working_days
        if decided is None or within is None:
            continue  # the query leaves these out; the test tells the type checker so
        try:
            record.publish_due = calendar.add_working_days(decided, within)
        except calendar.CalendarMissing:
            continue
        record.save(update_fields=["publish_due"])
        filled += 1
    return filled
