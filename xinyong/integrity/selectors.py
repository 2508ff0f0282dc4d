"""Government integrity statistics for the credit office (R31): each government body's own promises
and dishonesty, kept with the same mechanisms as any subject's."""

import datetime as dt

from django.db.models import Count, Q, QuerySet

from xinyong.accounts.models import Department
from xinyong.lists.models import ListEntry
from xinyong.notices.models import Task
from xinyong.records.models import Record
from xinyong.subjects.models import Subject
from xinyong.supervision.models import Commitment, CommitmentKind

from .public_sector import LIFTED, NOTICE_ACTIONS

GOVERNMENT_KINDS = (CommitmentKind.GOV_POLICY, CommitmentKind.GOV_CONTRACT, CommitmentKind.GOV_PAYMENT)


def government_integrity(today: dt.date) -> list[dict]:
    bodies = {d.unified_code: d for d in Department.objects.exclude(unified_code="").select_related("parent")}
    subjects = {s.uscc: s for s in Subject.objects.filter(uscc__in=bodies)}
    ids = [s.pk for s in subjects.values()]
    commitments = {
        row["subject_id"]: row
        for row in Commitment.objects.filter(subject_id__in=ids, kind__in=GOVERNMENT_KINDS)
        .values("subject_id")
        .annotate(
            total=Count("id"),
            kept=Count("id", filter=Q(status=Commitment.Status.FULFILLED)),
            broken=Count("id", filter=Q(status=Commitment.Status.BROKEN)),
            pending=Count("id", filter=Q(status=Commitment.Status.PENDING)),
            overdue=Count("id", filter=Q(status=Commitment.Status.PENDING, due_on__lt=today)),
        )
    }
    dishonesty = dict(
        Record.objects.filter(
            subject_id__in=ids, category__counts_as_dishonesty=True, is_current=True, status=Record.Status.ACTIVE
        )
        .values_list("subject_id")
        .annotate(n=Count("id"))
    )
    black = dict(
        ListEntry.objects.filter(subject_id__in=ids, status=ListEntry.Status.ACTIVE, list_type__kind="black")
        .values_list("subject_id")
        .annotate(n=Count("id"))
    )
    rows = []
    for code, subject in sorted(subjects.items()):
        body, counts = bodies[code], commitments.get(subject.pk, {})
        rows.append(
            {
                "department": body.code,
                "name": subject.name,
                "code": code,
                "superior": body.parent.code if body.parent else None,
                "commitments": {key: counts.get(key, 0) for key in ("total", "kept", "broken", "pending", "overdue")},
                "dishonesty_records": dishonesty.get(subject.pk, 0),
                "black_list_entries": black.get(subject.pk, 0),
            }
        )
    return rows


def notices_to(department) -> QuerySet:
    """The R16 notices addressed to a department (002 §14): a public body's, state enterprise's or public
    employee's dishonesty to weigh, and the notice that it was lifted — open ones first, newest first.
    They are tasks of its inbox too (推送任务), where they are marked handled."""
    return (
        Task.objects.filter(department=department, action__in=[*NOTICE_ACTIONS.values(), LIFTED])
        .select_related("entry__subject", "entry__list_type")
        .order_by("-status", "-created_at", "-id")
    )
