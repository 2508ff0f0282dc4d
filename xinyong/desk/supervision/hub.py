"""信用监管's first page: each desk the user may open, with what is open there and how much is overdue.
A desk is listed exactly when its view admits the user (the navigation's rule, `nav.admits`)."""

from dataclasses import dataclass

from django.urls import resolve, reverse

from xinyong.accounts.roles import ASSOCIATION_KEEPERS, GOVERNMENT
from xinyong.core import clock
from xinyong.supervision.models import Commitment, InspectionTask, RectificationOrder, WatchReferral
from xinyong.supervision.services import commitments, inspections, rectification

from ..access import desk_page
from ..nav import admits
from ..pages import render_page


@dataclass(frozen=True)
class Desk:
    name: str
    url_name: str
    about: str


DESKS = [
    Desk("信用承诺", "desk:commitments", "告知承诺、容缺受理等承诺的履约核查：确认践诺或认定违诺（违诺生成失信信息）"),
    Desk("限期整改", "desk:rectifications", "下达整改通知、跟踪整改期限、确认整改结果"),
    Desk("约谈", "desk:interviews", "提示约谈、警示约谈，记入信用记录"),
    Desk("双随机抽查", "desk:inspections", "按信用等级比例抽取、公布随机种子、核验抽取、录入检查结果"),
    Desk("重点关注提请", "desk:referrals", "信用办决定列入或不予列入重点关注对象名单"),
    Desk("行业协会", "desk:associations", "会员信用档案与行业性惩戒"),
]


def _open_counts(user, today) -> dict[str, tuple[int, int]]:
    """(open, overdue) per desk, from the same visible rows each desk lists."""
    pending = commitments.visible_to(user).filter(status=Commitment.Status.PENDING)
    orders = rectification.visible(RectificationOrder.objects.all(), user).filter(status=RectificationOrder.Status.OPEN)
    awaiting = InspectionTask.objects.filter(plan__in=inspections.visible_plans(user), result="")
    return {
        "desk:commitments": (pending.count(), pending.filter(due_on__lt=today).count()),
        "desk:rectifications": (orders.count(), orders.filter(deadline__lt=today).count()),
        "desk:inspections": (awaiting.count(), 0),
        "desk:referrals": (WatchReferral.objects.filter(status=WatchReferral.Status.OFFERED).count(), 0),
    }


@desk_page(GOVERNMENT | ASSOCIATION_KEEPERS)
def index(request):
    user = request.user
    shown = [d for d in DESKS if admits(resolve(reverse(d.url_name)).func, user)]
    counts = _open_counts(user, clock.today()) if user.has_role(*GOVERNMENT) else {}
    desks = [{"desk": d, "url": reverse(d.url_name), "counts": counts.get(d.url_name)} for d in shown]
    return render_page(request, "desk/supervision/index.html", {"desks": desks})
