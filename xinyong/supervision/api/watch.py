"""Referrals to the watch list (R8): the credit office lists the subject or dismisses the referral."""

import datetime as dt

from ninja import Query, Router
from pydantic import Field

from xinyong.accounts.auth import roles
from xinyong.accounts.models import Role
from xinyong.core.responses import Out, Page, SubjectRef, errors

from .. import selectors
from ..models import WatchReferral
from ..services import watch
from .common import OFFICE, NoteIn, PageParams, page_of

router = Router()


class ReferralOut(Out):
    id: int
    number: str = Field(examples=["XYZG-2025-000001"])
    subject: SubjectRef
    source: str = Field(description="grade（信用评价等级）或 rectification（逾期未整改）", examples=["grade"])
    source_display: str = Field(examples=["信用评价等级"])
    reason: str
    evaluation: int | None = Field(description="提请依据的信用评价 id")
    rectification: int | None = Field(description="提请依据的整改通知 id")
    status: str = Field(description="offered（待信用办决定）、listed（已列入）、dismissed（不予列入）")
    status_display: str = Field(examples=["待信用办决定"])
    list_entry: int | None = Field(description="列入后的名单条目 id")
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None
    note: str


@router.get(
    "/watch-referrals",
    auth=roles(Role.CREDIT_OFFICE, Role.AUDITOR),
    response={200: Page[ReferralOut], **errors(401, 403, 404, 422)},
    summary="提请列入重点关注对象名单",
)
def list_referrals(request, params: Query[PageParams]):
    return page_of(WatchReferral.objects.select_related("subject"), params, selectors.referral_body)


@router.post(
    "/watch-referrals/{referral_id}/accept",
    auth=OFFICE,
    response={200: ReferralOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="信用办决定列入重点关注对象名单",
)
def accept_referral(request, referral_id: int, payload: NoteIn):
    done = watch.accept(actor=request.actor, user=request.auth, referral_id=referral_id, note=payload.note)
    return selectors.referral_body(done)


@router.post(
    "/watch-referrals/{referral_id}/dismiss",
    auth=OFFICE,
    response={200: ReferralOut, **errors(400, 401, 403, 404, 422)},
    summary="不予列入（须说明理由）",
)
def dismiss_referral(request, referral_id: int, payload: NoteIn):
    done = watch.dismiss(actor=request.actor, user=request.auth, referral_id=referral_id, reason=payload.note)
    return selectors.referral_body(done)
