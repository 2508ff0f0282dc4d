"""What every supervision endpoint shares: who may call it, the page of a workflow list, a subject's code."""

from ninja import Schema
from pydantic import Field

from xinyong.accounts.auth import roles
from xinyong.accounts.models import Role
from xinyong.core.pagination import status_page
from xinyong.core.schemas import StatusPageQuery

from ..models import ASSOCIATION, CREDIT_AGENCY, FINANCIAL_INSTITUTION
from ..services.common import DEPARTMENT_ROLES, subject_for

DEPARTMENTS = roles(*DEPARTMENT_ROLES)
GOVERNMENT_READERS = roles(*DEPARTMENT_ROLES, Role.AUDITOR)
OFFICE = roles(Role.CREDIT_OFFICE)
GRANTEES = (FINANCIAL_INSTITUTION, CREDIT_AGENCY, ASSOCIATION)


class PageParams(StatusPageQuery):
    subject: str | None = None


class NoteIn(Schema):
    note: str = Field("", max_length=500, title="说明")


def page_of(queryset, params: PageParams, body) -> dict:
    if params.subject:
        queryset = queryset.filter(subject=subject_for(params.subject))
    return status_page(queryset, params, body)
