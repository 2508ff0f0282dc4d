from ninja import Router

router = Router(tags=["奖惩措施"])
