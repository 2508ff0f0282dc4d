"""Reading records: the public view on a subject's profile, a department's own view, and
double-publicity timeliness per department (R4, R23, R28)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate

from xinyong.catalog.models import Disclosure
from xinyong.core import clock
from xinyong.core.masking import mask_person_name
from xinyong.subjects.models import Subject

from .models import Record

PROFILE_RECORDS_PER_CATEGORY = 20
PUBLIC_STATUSES = (Record.Status.ACTIVE, Record.Status.UNDER_OBJECTION)


def publicly_visible(on: dt.date):
    """Records anyone may see on `on`: public category, released, current, not withdrawn or repaired,
    and still inside their publication period."""
    return Record.objects.filter(
        category__disclosure=Disclosure.PUBLIC,
        published_at__isnull=False,
        is_current=True,
        status__in=PUBLIC_STATUSES,
    ).filter(Q(publication_ends_on__isnull=True) | Q(publication_ends_on__gte=on))


def public_record(record: Record, subject: Subject | None = None) -> dict:
    fields = dict(record.fields)
    subject = subject or record.subject
    if subject.is_person:
        name_field = record.category.subject_fields.get("name")
        if name_field in fields:
            fields[name_field] = mask_person_name(fields[name_field])
    return {
        "id": record.pk,
        "category": record.category.code,
        "category_name": record.category.name,
        "decision_number": record.decision_number,
        "decision_date": record.decision_date,
        "provider": record.provider.name,
        "status": record.status,
        "status_display": record.get_status_display(),
        "under_objection": record.status == Record.Status.UNDER_OBJECTION,
        "published_at": record.published_at,
        "publication_ends_on": record.publication_ends_on,
        "fields": fields,
    }


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _status_on(record: Record, moment: dt.datetime) -> str:
    """A record's status at a past moment, from its change history (events are prefetched, in order)."""
    status: str = Record.Status.ACTIVE
    for event in record.events.all():
        if event.occurred_at > moment:
            break
        status = event.status
    return status


def visible_on(subject: Subject, day: dt.date) -> list[Record]:
    """What anyone could see of a subject on a past day (disputes, audits): released by then, inside
    its publication period, and in a public status at the end of that day."""
    moment = _end_of(day)
    candidates = (
        Record.objects.filter(
            subject=subject, category__disclosure=Disclosure.PUBLIC, published_at__lte=moment, received_at__lte=moment
        )
        .filter(Q(publication_ends_on__isnull=True) | Q(publication_ends_on__gte=day))
        .select_related("category", "provider")
        .prefetch_related("events")
        .order_by("-decision_date", "-id")[:500]
    )
    return [r for r in candidates if _status_on(r, moment) in PUBLIC_STATUSES]


def _grouped(records: list[Record], subject: Subject, counts: dict[str, int]) -> list[dict]:
    groups: dict[str, dict] = {}
    for record in records:
        group = groups.setdefault(
            record.category.code,
            {
                "category": record.category.code,
                "category_name": record.category.name,
                "count": counts.get(record.category.code, 0),
                "items": [],
            },
        )
        if len(group["items"]) < PROFILE_RECORDS_PER_CATEGORY:
            group["items"].append(public_record(record, subject))
    return [groups[code] for code in sorted(groups)]


def public_records_section(subject: Subject, as_of: dt.date | None) -> tuple[str, list]:
    if as_of is not None:
        records = visible_on(subject, as_of)
        counts: dict[str, int] = {}
        for record in records:
            counts[record.category.code] = counts.get(record.category.code, 0) + 1
        return "records", _grouped(records, subject, counts)
    visible = publicly_visible(clock.today()).filter(subject=subject).select_related("category", "provider")
    counts = dict(visible.values_list("category__code").annotate(n=Count("id")).values_list("category__code", "n"))
    latest = []
    for code in counts:
        latest.extend(
            visible.filter(category__code=code).order_by("-decision_date", "-id")[:PROFILE_RECORDS_PER_CATEGORY]
        )
    return "records", _grouped(latest, subject, counts)


def department_record(record: Record) -> dict:
    """What the providing department (or the credit office) sees: the public view plus provenance."""
    view = public_record(record)
    view.update(
        {
            "subject": {"code": record.subject.public_code, "name": record.subject.name},
            "version": record.version,
            "is_current": record.is_current,
            "supersedes": record.supersedes_id,
            "content_hash": record.content_hash,
            "channel": record.channel,
            "received_by": record.received_by,
            "received_at": record.received_at,
            "import_job": record.import_job_id,
            "source_line": record.source_line,
            "publish_due": record.publish_due,
            "overdue_flagged_on": record.overdue_flagged_on,
            "status_reason": record.status_reason,
        }
    )
    return view


def timeliness(*, start: dt.date, end: dt.date, today: dt.date, department_code: str | None = None) -> list[dict]:
    """Per department, for double-publicity decisions dated in [start, end]: published on time, late,
    still overdue (unpublished past due), pending (not yet due) and without a due date."""
    local = ZoneInfo(settings.TIME_ZONE)
    records = Record.objects.filter(
        category__publish_within_working_days__isnull=False,
        is_current=True,
        decision_date__gte=start,
        decision_date__lte=end,
    ).annotate(published_on=TruncDate("published_at", tzinfo=local))
    if department_code:
        records = records.filter(provider__code=department_code)
    rows = (
        records.values("provider__code", "provider__name")
        # Counting the (never null) provider, not the id: then every column read is in the
        # `record_publicity_month` index and PostgreSQL reads the index alone.
        .annotate(
            total=Count("provider"),
            on_time=Count("provider", filter=Q(published_on__lte=F("publish_due"))),
            late=Count("provider", filter=Q(published_on__gt=F("publish_due"))),
            overdue=Count("provider", filter=Q(published_at__isnull=True, publish_due__lt=today)),
            pending=Count("provider", filter=Q(published_at__isnull=True, publish_due__gte=today)),
            no_due_date=Count("provider", filter=Q(publish_due__isnull=True)),
        )
        .order_by("provider__code")
    )
    return [
        {
            "department": row["provider__code"],
            "department_name": row["provider__name"],
            "total": row["total"],
            "on_time": row["on_time"],
            "late": row["late"],
            "overdue": row["overdue"],
            "pending": row["pending"],
            "no_due_date": row["no_due_date"],
            "on_time_rate": round(row["on_time"] / row["total"], 4) if row["total"] else None,
        }
        for row in rows
    ]
