"""The one definition of role codes, their Chinese names, and the named groups of roles that the API
(`accounts.auth.roles(...)`) and the workbench pages both admit, so one rule decides both.

A code is what `Role.code` holds (the roles are rows: a place may add more, and the seeded ones come from
accounts migrations 0002 and 0004). A group is a frozenset of codes named for what its holders may do;
`Role` keeps the codes as class attributes (`Role.CREDIT_OFFICE`) for call sites that name one role.
This module imports nothing, so settings, migrations and any app may use it.
"""

# ---- codes ---------------------------------------------------------------------------------------

CREDIT_OFFICE = "credit_office"  # 信用办: keeps the rules and the catalog, oversees every department
PROVIDER = "provider"  # 信息提供单位: provides credit records
INITIATOR = "initiator"  # 发起部门: decides list entries (认定)
IMPLEMENTER = "implementer"  # 实施部门: checks subjects and applies the measures
AUDITOR = "auditor"  # 审计员: reads everything, changes nothing
SUBJECT = "subject"  # 信用主体: a company's or person's own account
PERSONNEL = "personnel"  # 组织人事部门: reads public officials' integrity files (R31), is notified (R16)
DISCIPLINE = "discipline"  # 纪检监察机关: as personnel
CREDIT_AGENCY = "credit_agency"  # 信用服务机构: writes third-party credit reports
ASSOCIATION = "association"  # 行业协会商会: industry self-discipline measures
FINANCIAL_INSTITUTION = "financial_institution"  # 金融机构: reads what subjects authorise
DEPARTMENT_ADMIN = "department_admin"  # 部门管理员: manages its own department's API tokens (accounts 0006)

ROLE_NAMES = {
    CREDIT_OFFICE: "信用办",
    PROVIDER: "信息提供单位",
    INITIATOR: "发起部门",
    IMPLEMENTER: "实施部门",
    AUDITOR: "审计员",
    SUBJECT: "信用主体",
    PERSONNEL: "组织人事部门",
    DISCIPLINE: "纪检监察机关",
    CREDIT_AGENCY: "信用服务机构",
    ASSOCIATION: "行业协会商会",
    FINANCIAL_INSTITUTION: "金融机构",
    DEPARTMENT_ADMIN: "部门管理员",
}

# ---- groups --------------------------------------------------------------------------------------

# See every department's work (rows_visible_to, oversees) and read the platform's figures.
OVERSEERS = frozenset({CREDIT_OFFICE, AUDITOR})
# Read the audit trail and run its chain verification in the workbench (审计日志).
AUDIT_READERS = frozenset({AUDITOR})
# Who works in the Django admin (is_staff): the credit office, auditors, and providers for their imports.
ADMIN_USERS = OVERSEERS | {PROVIDER}
# Government departments doing their own work: commitments, evaluations, inspections, reports handled.
DEPARTMENTS = frozenset({PROVIDER, INITIATOR, IMPLEMENTER, CREDIT_OFFICE})
# Departments and auditors: read what departments did (supervision, dishonesty reports).
GOVERNMENT = DEPARTMENTS | {AUDITOR}
# Market bodies a subject may authorise to read its credit (and that act on it).
GRANTEES = frozenset({FINANCIAL_INSTITUTION, CREDIT_AGENCY, ASSOCIATION})

# A department's inbox: list changes pushed, decisions owed, and public-sector notices (R16), which reach
# audit offices, discipline and personnel departments too.
TASK_READERS = DEPARTMENTS | {AUDITOR, PERSONNEL, DISCIPLINE}
# Who issues and revokes API tokens in the workbench: a department's administrator its department's, the
# credit office every department's.
TOKEN_MANAGERS = frozenset({CREDIT_OFFICE, DEPARTMENT_ADMIN})
# Records and import jobs: the providing department its own, the overseers all.
RECORD_READERS = OVERSEERS | {PROVIDER}
# Look a subject up by code (before providing or keeping records).
SUBJECT_LOOKUP = frozenset({PROVIDER, CREDIT_OFFICE})
# A check and its feedback: the implementing department its own, the overseers all.
CHECK_READERS = OVERSEERS | {IMPLEMENTER}
# The loop figures per department (checks, feedback, tasks overdue).
LOOP_READERS = OVERSEERS | {INITIATOR}
# Ending a list entry by decision (revoke, early exit): its initiator, or the credit office.
ENTRY_ENDERS = frozenset({INITIATOR, CREDIT_OFFICE})
# List entries with their history and loop.
ENTRY_READERS = OVERSEERS | {INITIATOR, IMPLEMENTER}
# Objections and repairs: who applies (a subject, or the credit office for one), who decides, who reads.
RIGHTS_APPLICANTS = frozenset({SUBJECT, CREDIT_OFFICE})
RIGHTS_HANDLERS = frozenset({PROVIDER, INITIATOR, CREDIT_OFFICE})
RIGHTS_READERS = RIGHTS_HANDLERS | {SUBJECT, AUDITOR}
# A record's repair notice (信用修复告知书): its subject, its provider, the credit office.
REPAIR_NOTICE_READERS = frozenset({PROVIDER, SUBJECT, CREDIT_OFFICE})
# Subject accounts (我的信用) the identity check could not confirm: approved or rejected by the credit office.
ACCOUNT_REVIEWERS = frozenset({CREDIT_OFFICE})
# Self-reports: reviewed by the named provider or the credit office, read by the subject too.
SELF_REPORT_REVIEWERS = frozenset({PROVIDER, CREDIT_OFFICE})
SELF_REPORT_READERS = SELF_REPORT_REVIEWERS | {SUBJECT}
# Commitments: made by a subject or recorded by a department; read by the auditors too.
COMMITTERS = DEPARTMENTS | {SUBJECT}
COMMITMENT_READERS = COMMITTERS | {AUDITOR}
# Industry associations' measures, and subjects' authorisations to read their credit.
ASSOCIATION_KEEPERS = frozenset({ASSOCIATION, CREDIT_OFFICE})
AUTHORISATION_READERS = OVERSEERS | GRANTEES | {SUBJECT}
# Public-sector affiliations (R16): registered by the responsible department or the credit office.
AFFILIATION_KEEPERS = frozenset({CREDIT_OFFICE, PROVIDER})
AFFILIATION_READERS = AFFILIATION_KEEPERS | {AUDITOR}
# Dishonesty reports (举报): handled by departments, read by them, the auditors and the reporting subject.
REPORT_HANDLERS = DEPARTMENTS
REPORT_READERS = GOVERNMENT | {SUBJECT}
