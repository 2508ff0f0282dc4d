"""Credit-based supervision API (R17–R19, R26, R27), one module per services module: commitments, grades,
random inspections, rectification and interviews, watch-list referrals, associations and authorisations."""

from ninja import Router

from . import associations, commitments, grading, inspections, rectification, watch

router = Router(tags=["supervision"])
for module in (commitments, grading, inspections, rectification, watch, associations):
    router.add_router("", module.router)
