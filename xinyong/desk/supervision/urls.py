"""信用监管's pages, under /desk/supervision/ in the workbench's namespace (`desk:commitments`, …)."""

from django.urls import path

from . import associations, commitments, hub, inspections, rectification, referrals

urlpatterns = [
    path("", hub.index, name="supervision"),
    path("commitments/", commitments.roster, name="commitments"),
    path("commitments/<int:commitment_id>/", commitments.commitment, name="commitment"),
    path("commitments/<int:commitment_id>/fulfil", commitments.fulfil, name="commitment_fulfil"),
    path("commitments/<int:commitment_id>/breach", commitments.breach, name="commitment_breach"),
    path("rectifications/", rectification.orders, name="rectifications"),
    path("rectifications/new/", rectification.new_order, name="rectification_new"),
    path("rectifications/<int:order_id>/", rectification.order, name="rectification"),
    path("rectifications/<int:order_id>/complete", rectification.complete, name="rectification_complete"),
    path("interviews/", rectification.interviews, name="interviews"),
    path("interviews/new", rectification.new_interview, name="interview_new"),
    path("inspections/", inspections.plans, name="inspections"),
    path("inspections/new", inspections.new_plan, name="inspection_new"),
    path("inspections/inspectors", inspections.new_inspector, name="inspector_new"),
    path("inspections/<int:plan_id>/", inspections.plan, name="inspection"),
    path("inspections/<int:plan_id>/verify", inspections.verify, name="inspection_verify"),
    path("inspection-tasks/<int:task_id>/result", inspections.record_result, name="inspection_result"),
    path("referrals/", referrals.referrals, name="referrals"),
    path("referrals/<int:referral_id>/accept", referrals.accept, name="referral_accept"),
    path("referrals/<int:referral_id>/dismiss", referrals.dismiss, name="referral_dismiss"),
    path("associations/", associations.index, name="associations"),
    path("associations/<str:code>/", associations.association, name="association"),
    path("associations/<str:code>/members", associations.new_member, name="association_member_new"),
    path("associations/<str:code>/measures", associations.new_measure, name="industry_measure_new"),
    path(
        "industry-measures/<int:measure_id>/revoke",
        associations.revoke_measure,
        name="industry_measure_revoke",
    ),
]
