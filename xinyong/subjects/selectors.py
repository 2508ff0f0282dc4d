"""Reading subjects: lookup by code, name search, and the public profile (R1, R23)."""

import datetime as dt
from collections.abc import Callable

from django.db.models import Q

from xinyong.core.dates import period_covers
from xinyong.core.errors import InvalidInput, NotFound
from xinyong.core.identifiers import IdentifierInfo, identify, normalise
from xinyong.core.masking import mask_person_name
from xinyong.core.pagination import Page, paginate
from xinyong.core.text import fold

from .models import Relation, Subject
from .services import person_key

# Later slices (records, lists, rights…) add their public sections here from AppConfig.ready(), so
# this app does not import them: each callable gets (subject, as_of) and returns (key, value).
ProfileSection = Callable[[Subject, dt.date | None], tuple[str, object]]
PROFILE_SECTIONS: list[ProfileSection] = []
# The schema of each section's value by its key, registered beside the section (schemas.profile_schema()).
PROFILE_SCHEMAS: dict[str, object] = {}


def key_for_code(code: str) -> str | None:
    """The subject key for a code typed by anyone, or None when it is not a code at all."""
    return key_for_identifier(identify(code))


def key_for_identifier(info: IdentifierInfo) -> str | None:
    """The subject key of an identified code, or None when it is not a code at all."""
    if info.type == "resident_id" and (info.valid or info.only_check_failed):
        return person_key(info.code)
    if info.type == "uscc" and (info.valid or info.only_check_failed):
        return info.code
    return None


def get_by_code(code: str) -> Subject:
    info = identify(code)
    key = key_for_code(code)
    if key is None:
        raise InvalidInput(f"代码无效：{info.error}", code="invalid_identifier", details=[info.as_api()])
    subject = Subject.objects.filter(key=key).first()
    if subject is None:
        raise NotFound("未找到该信用主体", code="subject_not_found")
    return subject


def code_error(code: str) -> str | None:
    """Why a code a person typed cannot be taken, or None. A code failing only its check character is
    taken when a subject holds it (a stock code kept as delivered, `Subject.code_verified`); matching no
    one, it is a typo, never an unknown subject with nothing against it."""
    info = identify(code)
    if info.valid:
        return None
    key = key_for_identifier(info)
    if key is not None and Subject.objects.filter(key=key).exists():
        return None
    return info.error


def search(query: str, *, limit: int = 20, offset: int = 0) -> Page:
    """By exact code, or by any part of a current or former name."""
    query = (query or "").strip()
    if not query:
        raise InvalidInput("请输入名称或统一社会信用代码", code="empty_query")
    key = key_for_code(query) if len(normalise(query)) == 18 else None
    if key is not None:
        queryset = Subject.objects.filter(key=key)
    else:
        folded = fold(query)
        if len(folded) < 2:
            raise InvalidInput("名称关键词至少两个字", code="query_too_short")
        # Former names only: the current one is the subject's own search_name (and only former names
        # are in the history's trigram index, migration 0004).
        former = Subject.objects.filter(names__valid_to__isnull=False, names__search_name__contains=folded).values("pk")
        queryset = (
            Subject.objects.filter(Q(search_name__contains=folded) | Q(pk__in=former))
            .exclude(kind=Subject.Kind.NATURAL_PERSON)
            .order_by("search_name", "pk")
        )
    return paginate(queryset, limit=limit, offset=offset)


def public_summary(subject: Subject) -> dict:
    return {
        "code": subject.public_code,
        "name": mask_person_name(subject.name) if subject.is_person else subject.name,
        "kind": subject.kind,
        "kind_display": subject.get_kind_display(),
        "status": subject.status,
        "code_verified": subject.code_verified,
    }


def _current_relations(subject: Subject, on: dt.date) -> list[dict]:
    relations = subject.relations.select_related("member").filter(period_covers(on)).order_by("role", "id")
    return [
        {
            "role": r.role,
            "role_display": r.get_role_display(),
            "member": public_summary(r.member),
            "valid_from": r.valid_from,
            "valid_to": r.valid_to,
        }
        for r in relations
    ]


def public_profile(subject: Subject, *, as_of: dt.date | None = None, on: dt.date) -> dict:
    profile = public_summary(subject)
    if not subject.is_person:
        profile["former_names"] = [
            {"name": n.name, "valid_from": n.valid_from, "valid_to": n.valid_to}
            for n in subject.names.filter(valid_to__isnull=False)
        ]
        profile["relations"] = _current_relations(subject, as_of or on)
    for section in PROFILE_SECTIONS:
        key, value = section(subject, as_of)
        profile[key] = value
    return profile


def relations_of_role(organisation: Subject, roles: set[str], on: dt.date) -> list[Relation]:
    """Persons holding any of `roles` in the organisation on a date (used for 落实到人)."""
    return list(organisation.relations.select_related("member").filter(period_covers(on), role__in=roles))
