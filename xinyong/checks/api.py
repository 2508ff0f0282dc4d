from ninja import Router

router = Router(tags=["嵌入式核查"])
