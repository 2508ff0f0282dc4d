from ninja import Router

router = Router(tags=["信用监管"])
