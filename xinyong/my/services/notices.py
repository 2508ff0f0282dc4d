"""Notices to a subject (issue 20 §5): on its 我的信用 page, and by e-mail to its active accounts that
gave an address when Django's e-mail settings name a server (`EMAIL_HOST`). A notice is keyed by the
event it reports, so the signal that reports an event at once and the daily job that catches what bulk
writes did without signals never tell the subject twice."""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from xinyong.accounts.models import User
from xinyong.audit.services import SYSTEM, Actor
from xinyong.audit.services import record as audit
from xinyong.core import clock, parameters
from xinyong.lists.models import ListEntry
from xinyong.records.models import Record
from xinyong.subjects.models import Subject

from ..models import Notice

logger = logging.getLogger("xinyong.my")
SUBJECT_LINE = "【公共信用信息服务平台】信用信息变动提醒"


def has_accounts(subject_id: int) -> bool:
    return User.objects.filter(subject_id=subject_id, is_active=True).exists()


def _mail(subject: Subject, text: str) -> None:
    if not settings.EMAIL_HOST:
        return
    addresses = list(
        User.objects.filter(subject=subject, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if not addresses:
        return
    try:
        send_mail(SUBJECT_LINE, f"{subject.name}：{text}\n\n详情请登录“我的信用”查看。", None, addresses)
    except OSError:  # a mail server down must not undo the event that the notice reports
        logger.warning("notice e-mail to subject %s not sent", subject.pk)


def notify(*, subject: Subject, key: str, kind: str, text: str, url: str = "", actor: Actor = SYSTEM) -> Notice | None:
    """Tell the subject once about one event; None when it was told already."""
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                subject=subject, key=key[:80], kind=kind, text=text[:500], url=url, created_at=clock.now()
            )
            audit(
                actor=actor,
                action="notice.create",
                object_type="notice",
                object_id=notice.pk,
                after={"subject": subject.public_code, "key": notice.key, "kind": kind},
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _mail(subject, notice.text))
    return notice


@transaction.atomic
def mark_read(*, actor: Actor, subject_id: int) -> int:
    """The subject has seen its notices (only its own: the filter is the subject)."""
    count = Notice.objects.filter(subject_id=subject_id, read_at__isnull=True).update(read_at=clock.now())
    if count:
        audit(actor=actor, action="notice.read", object_type="subject", object_id=subject_id, after={"count": count})
    return count


def daily_notices(*, today: dt.date) -> dict:
    """Daily (idempotent): entries of subjects with accounts that end within `notice_listing_end_days`, and the
    records that bulk imports added since yesterday (imports write without signals)."""
    with_accounts = User.objects.filter(is_active=True, subject__isnull=False).values("subject_id")
    horizon = today + dt.timedelta(days=parameters.integer("notice_listing_end_days"))
    ending = ListEntry.objects.filter(
        status=ListEntry.Status.ACTIVE, ends_on__gte=today, ends_on__lte=horizon, subject__in=with_accounts
    ).select_related("subject", "list_type")
    told = {"ending": 0, "added": 0}
    for entry in ending:
        if notify(
            subject=entry.subject,
            key=f"ending-{entry.pk}-{entry.ends_on}",
            kind=Notice.Kind.ENDING,
            text=f"本主体在{entry.list_type.name}（{entry.document_number}）的列入期限将于"
            f"{entry.ends_on:%Y-%m-%d}届满，届满后自动移出。",
            url="/my/",
        ):
            told["ending"] += 1
    since = today - dt.timedelta(days=1)
    added = Record.objects.filter(
        received_at__date__gte=since, is_current=True, subject__in=with_accounts
    ).select_related("subject", "provider", "category")
    for record in added[:10_000]:
        if notify(
            subject=record.subject,
            key=f"record-{record.pk}",
            kind=Notice.Kind.ADDED,
            text=f"{record.provider.name}报送了本主体的{record.category.name}"
            f"（{record.decision_number or '#' + str(record.pk)}）。",
            url="/my/",
        ):
            told["added"] += 1
    return told
