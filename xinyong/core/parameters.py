"""Reading rule parameters (the `Parameter` table)."""

from decimal import Decimal

from .errors import DomainError
from .models import Parameter


class ParameterMissing(DomainError):
    status = 500
    code = "parameter_missing"


def value(code: str) -> Decimal:
    found = Parameter.objects.filter(code=code).values_list("value", flat=True).first()
    if found is None:
        raise ParameterMissing(f"规则参数“{code}”未设置，请信用办在管理后台补充")
    return found


def integer(code: str) -> int:
    return int(value(code))
