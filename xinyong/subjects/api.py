import datetime as dt

from ninja import Query, Router, Schema

from xinyong.accounts.auth import roles
from xinyong.accounts.roles import SUBJECT_LOOKUP
from xinyong.core import clock, limits
from xinyong.core.responses import Page, errors

from . import selectors, services
from .schemas import SubjectIn, SubjectSummaryOut, profile_schema

router = Router(tags=["subjects"])


SubjectProfileOut = profile_schema()


class SearchParams(Schema):
    q: str
    limit: int = 20
    offset: int = 0


@router.post(
    "/subjects",
    auth=roles(SUBJECT_LOOKUP),
    response={200: SubjectProfileOut, 201: SubjectProfileOut, **errors(400, 401, 403, 422)},
    exclude_unset=True,  # a person's profile has no former names or relations
    summary="登记或更新信用主体",
)
def register_subject(request, payload: SubjectIn):
    relations = [
        services.RelationInput(
            role=r.role,
            member_code=r.person.id_number,
            member_name=r.person.name,
            valid_from=r.valid_from,
            valid_to=r.valid_to,
        )
        for r in payload.relations
    ]
    subject, created = services.register_subject_with_relations(
        actor=request.actor,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        status=payload.status,
        relations=relations,
    )
    body = selectors.public_profile(subject, on=clock.today())
    return (201 if created else 200), body


@router.get(
    "/subjects",
    auth=None,
    throttle=limits.search_throttle(),
    response={200: Page[SubjectSummaryOut], **errors(422, 429)},
    summary="按代码或名称（可部分）检索信用主体",
)
def search_subjects(request, params: Query[SearchParams]):
    page = selectors.search(params.q, limit=params.limit, offset=params.offset)
    return page.body(selectors.public_summary)


@router.get(
    "/subjects/{code}",
    auth=None,
    response={200: SubjectProfileOut, **errors(404, 422)},
    exclude_unset=True,
    summary="信用主体公开信息",
)
def subject_profile(request, code: str, as_of: dt.date | None = None):
    subject = selectors.get_by_code(code)
    return selectors.public_profile(subject, as_of=as_of, on=clock.today())
