from ninja import Router

from .schemas import ListTypeOut
from .selectors import active_list_types, list_type_body

router = Router(tags=["lists"])


@router.get(
    "/list-types",
    auth=None,
    response={200: list[ListTypeOut]},
    summary="名单类型：红名单、黑名单、重点关注名单及其认定部门、标准、期限和退出规则",
)
def list_types(request):
    return [list_type_body(t) for t in active_list_types()]
