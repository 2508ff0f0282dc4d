from ninja import Router

from .identifiers import identify

router = Router(tags=["代码校验"])


@router.get("/identifiers/{code}", auth=None, summary="校验统一社会信用代码或身份证号")
def check_identifier(request, code: str):
    """Parse and validate a code. Always 200: an invalid code is an answer, not an error."""
    return identify(code).as_api()
