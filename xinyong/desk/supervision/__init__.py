"""信用监管 pages (architecture §4b; R17–R19, R27, R8): commitments, rectification and interviews, random
inspections, watch-list referrals, associations' industry measures — each module a desk calling the
supervision services with the API's role sets."""

# Every page of urls.py, forms posted there included: the navigation marks 信用监管 current on each (a test
# holds this list equal to urls.py's names).
PAGES = tuple(
    "desk:" + name
    for name in [
        "commitments",
        "commitment",
        "commitment_fulfil",
        "commitment_breach",
        "rectifications",
        "rectification_new",
        "rectification",
        "rectification_complete",
        "interviews",
        "interview_new",
        "inspections",
        "inspection_new",
        "inspector_new",
        "inspection",
        "inspection_verify",
        "inspection_result",
        "referrals",
        "referral_accept",
        "referral_dismiss",
        "associations",
        "association",
        "association_member_new",
        "industry_measure_new",
        "industry_measure_revoke",
    ]
)
