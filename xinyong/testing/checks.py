"""The district of the check-loop scenarios (000 §17–§20): a company listed by the court, its legal
representative, and the two API calls the scenarios repeat: list an entry and check a subject."""

import datetime as dt

from .factories import resident_id, uscc

COMPANY = uscc(501)
REP = resident_id(501, "19700315")
TODAY = dt.date(2025, 6, 2)
COURT_LIST = "black_court_defaulter"


def enter(api, token, list_type=COURT_LIST, subject=COMPANY, **extra):
    body = {
        "list_type": list_type,
        "subject": subject,
        "basis": "《最高人民法院关于公布失信被执行人名单信息的若干规定》",
        "document_number": "（2025）赣0404执123号",
        "decided_on": "2025-05-20",
        "conduct_on": "2025-03-01",
        **extra,
    }
    return api.post("/list-entries", body, token=token)


def check(api, token, subject=COMPANY, matter="government_procurement"):
    return api.post("/checks", {"subject": subject, "matter": matter}, token=token)
