"""Defaults of credit-based supervision (共社信办字〔2020〕7号 §1, §6, §8, §9, §11, §20), all data the credit
office edits afterwards in the admin:

- roles `association`, `financial_institution`, `credit_agency` (R26, R27);
- the catalog category `commitment_breach` (违背信用承诺信息), counted as dishonesty: `credit_commitment`
  is not (a commitment in progress or kept is no dishonesty), so a broken commitment gets its own record;
- rule parameters (base score, watch-list mode, deadlines, inspectors per subject, authorisation length);
- the scoring model (indicators) and the grades A/B/C/D with thresholds, inspection ratios and measures;
- commitment templates for licensing matters; the industry measure kinds.

Re-running only fills in what is missing, so edits made in the admin are never overwritten."""

from django.db import migrations

ROLES = [
    ("association", "行业协会商会", "维护会员信用档案、实施行业性惩戒；经授权查询会员信息"),
    ("financial_institution", "金融机构", "经信用主体授权查询其信用信息"),
    ("credit_agency", "信用服务机构", "经信用主体授权查询其信用信息"),
]

PARAMETERS = [
    ("grade_base_score", "公共信用综合评价基础分", 80, "分", "评价得分 = 基础分 + 各指标得分（0–100 分）"),
    ("grade_watch_auto_list", "评价等级达到提请条件时直接列入重点关注名单", 0, "",
     "0 = 提请信用办决定；1 = 由系统以信用办名义直接列入重点关注对象名单"),
    ("tolerance_supply_working_days", "容缺受理补齐材料期限", 20, "工作日", "模板未规定期限时适用"),
    ("rectification_working_days", "限期整改默认期限", 15, "工作日", "责令整改未规定期限时适用"),
    ("rectification_grace_days", "逾期未整改提请名单宽限期", 0, "天",
     "整改期限届满后再过该天数仍未整改的，列入重点关注对象名单（002 §8–9）"),
    ("inspection_inspectors_per_subject", "双随机每户检查人员数", 2, "人", "执法检查至少两人"),
    ("authorisation_max_days", "信用信息查询授权最长期限", 365, "天", "信用主体授权金融机构等查询的最长期限"),
]


def _field(name, label, type_, required, aliases, **extra):
    return {"name": name, "label": label, "type": type_, "required": required, "aliases": aliases, **extra}


BREACH_CATEGORY = {
    "code": "commitment_breach",
    "name": "违背信用承诺信息",
    "group": "信用承诺",
    "description": "申请人违背信用承诺、虚假承诺或逾期未履行承诺（容缺受理逾期未补齐材料）的认定信息，属于失信信息"
                   "（共社信办字〔2020〕7号 二（一））",
    "disclosure": "public",
    "publish_within_working_days": None,
    "publication_months": 12,
    "counts_as_dishonesty": True,
    "fields": [
        _field("subject_name", "主体名称", "string", True, ["主体名称", "名称", "企业名称", "姓名"], max_length=200),
        _field("subject_code", "统一社会信用代码或身份证号", "code", True, ["统一社会信用代码", "身份证号码", "主体代码"]),
        _field("decision_number", "违诺认定编号", "string", True, ["违诺认定编号", "文书号", "编号"], max_length=100),
        _field("decision_date", "认定日期", "date", True, ["认定日期", "日期"]),
        _field("content", "违诺情况", "text", True, ["违诺情况", "内容"], max_length=4000),
        _field("authority", "认定机关", "string", False, ["认定机关", "作出机关", "机关"], max_length=200),
        _field("commitment_number", "承诺编号", "string", True, ["承诺编号"], max_length=100),
        _field("breach_kind", "违诺情形", "enum", True, ["违诺情形"], choices=["逾期未履行", "虚假承诺", "违背承诺"]),
        _field("remarks", "备注", "text", False, ["备注"], max_length=1000),
    ],
    "subject_fields": {"name": "subject_name", "code": "subject_code"},
    "decision_number_field": "decision_number",
    "decision_date_field": "decision_date",
    "sort_order": 195,
}

# code, name, source, category, match field, match values, list kind, points, cap, window months, description
INDICATORS = [
    ("black_list_entry", "列入失信联合惩戒对象名单", "list_entry", None, "", [], "black", -40, 40, None,
     "名单期内，按名单条目计"),
    ("court_enforcement", "失信被执行人", "record", "court_enforcement", "", [], "", -30, 30, 24, ""),
    ("penalty_serious", "行政处罚（严重）", "record", "admin_penalty", "CF_YZCD", ["严重"], "", -25, 50, 36, ""),
    ("penalty_general", "行政处罚（一般）", "record", "admin_penalty", "CF_YZCD", ["一般", ""], "", -10, 30, 12,
     "未填写严重程度的按一般计"),
    ("commitment_breach", "违背信用承诺", "record", "commitment_breach", "", [], "", -15, 30, 24, ""),
    ("abnormal_operation", "列入经营异常名录", "record", "abnormal_operation", "", [], "", -10, 10, 12, ""),
    ("tax_grade_d", "纳税信用D级", "record", "tax_credit_grade", "grade", ["D"], "", -10, 10, 12, ""),
    ("inspection_violation", "双随机抽查发现违法违规", "record", "random_inspection", "result",
     ["发现违法违规行为，已立案查处"], "", -8, 16, 12, ""),
    ("inspection_absent", "双随机抽查无法联系", "record", "random_inspection", "result",
     ["通过登记的住所（经营场所）无法联系"], "", -5, 5, 12, ""),
    ("judicial_ruling", "司法裁判（失信）", "record", "judicial_ruling", "", [], "", -5, 10, 36, ""),
    ("admin_coercion", "行政强制", "record", "admin_coercion", "", [], "", -5, 10, 12, ""),
    ("inspection_issues", "双随机抽查发现问题", "record", "random_inspection", "result",
     ["发现问题，已责令整改"], "", -3, 6, 12, ""),
    ("interview", "被约谈", "record", "interview", "", [], "", -3, 9, 12, "提示约谈、警示约谈（政务共享信息，公开说明中只计数）"),
    ("rectification_order", "被责令限期整改", "record", "rectification", "", [], "", -2, 6, 12, "政务共享信息，公开说明中只计数"),
    ("red_list_entry", "列入诚信红名单", "list_entry", None, "", [], "red", 10, 10, None, "名单期内，按名单条目计"),
    ("honour", "表彰奖励", "record", "honour", "", [], "", 5, 10, 36, ""),
    ("admin_reward", "行政奖励", "record", "admin_reward", "", [], "", 5, 10, 36, ""),
    ("tax_grade_a", "纳税信用A级", "record", "tax_credit_grade", "grade", ["A"], "", 5, 5, 12, ""),
    ("commitment_kept", "信用承诺已践诺", "record", "credit_commitment", "fulfilment", ["已践诺"], "", 2, 6, 24, ""),
    ("inspection_passed", "双随机抽查未发现问题", "record", "random_inspection", "result", ["未发现问题"], "", 1, 2, 12, ""),
]

# code, name, min score, inspection ratio, measures, refer to watch list, allows 容缺受理, supervision
GRADES = [
    ("A", "优", 90, "0.02", ["reward_fewer_inspections", "reward_green_channel"], False, True,
     "信用较好、风险较低：合理降低抽查比例和频次，减少对正常生产经营的影响；行政审批绿色通道（002 §1、§6）"),
    ("B", "良", 75, "0.05", [], False, True, "信用风险一般：按常规比例和频次抽查（002 §6）"),
    ("C", "中", 60, "0.10", [], False, False, "存在失信记录：适当提高抽查比例和频次"),
    ("D", "差", 0, "0.30", ["watch_strict_supervision"], True, False,
     "违法失信、风险较高：提高抽查比例和频次，列入重点信用监管范围，依法依规实行严管（002 §6、§8）"),
]

NOTIFY_TEXT = (
    "本申请人郑重承诺：已知晓该许可事项的审批条件和要求；所提交材料真实、合法、有效；本申请人符合上述审批条件，"
    "并愿意接受行政机关的事中事后核查。如有违背或虚假承诺，愿意承担撤销许可、记入信用记录并公开、"
    "依法依规实施失信惩戒等法律责任。"
)
TOLERANCE_TEXT = (
    "本申请人申请办理的事项主要申请材料齐全、符合法定形式，次要材料暂缺。本申请人承诺在规定期限内补齐所缺材料，"
    "逾期未补齐的，视为违背承诺，愿意承担不予许可或撤销许可、记入信用记录并公开等责任。"
)
TEMPLATES = [
    # code, name, kind, matter, item, department code, department name, deadline working days, period months, text
    ("food_business_notify", "食品经营许可告知承诺书", "notify", "market_access", "食品经营许可", "SCJG",
     "市场监督管理局", None, 6, NOTIFY_TEXT),
    ("food_business_tolerance", "食品经营许可容缺受理承诺书", "tolerance", "market_access", "食品经营许可", "SCJG",
     "市场监督管理局", 20, None, TOLERANCE_TEXT),
    ("construction_qualification_notify", "建筑业企业资质告知承诺书", "notify", "qualification_approval",
     "建筑业企业资质", "ZJ", "住房和城乡建设局", None, 12, NOTIFY_TEXT),
    ("project_approval_tolerance", "投资项目审批容缺受理承诺书", "tolerance", "project_approval", "企业投资项目备案",
     "FGW", "发展和改革委员会", 30, None, TOLERANCE_TEXT),
    ("voluntary_public", "主动公开信用承诺书", "voluntary", None, "", "", "", None, 12,
     "本单位承诺依法诚信经营，自觉接受政府、行业组织、社会公众和新闻舆论监督，如违背承诺，愿意承担相应责任。"),
    ("credit_repair", "信用修复承诺书", "repair", None, "", "", "", None, 12,
     "本主体承诺已纠正失信行为、履行相关义务，在承诺期内不再发生同类失信行为；如违背承诺，愿意接受从重惩戒。"),
]

BASIS = "gsxb_2020_7"
ARTICLE = "（十一）行业内通报批评、公开谴责、不予接纳、劝退等行业性惩戒措施"
# code, name, severity, requires membership, ends membership, public, period months, matters
KINDS = [
    ("warning", "警告", 1, True, False, False, 12, ["association_membership"]),
    ("criticism", "行业内通报批评", 2, True, False, True, 12, ["association_membership", "honours"]),
    ("censure", "公开谴责", 3, True, False, True, 24, ["association_membership", "honours", "public_disclosure"]),
    ("refusal", "不予接纳", 4, False, False, False, 24, ["association_membership"]),
    ("expulsion", "劝退（取消会员资格）", 5, True, True, True, 36, ["association_membership", "honours"]),
]


def seed(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, name, description in ROLES:
        Role.objects.get_or_create(code=code, defaults={"name": name, "description": description})

    Parameter = apps.get_model("core", "Parameter")
    for code, name, value, unit, description in PARAMETERS:
        Parameter.objects.get_or_create(
            code=code, defaults={"name": name, "value": value, "unit": unit, "description": description}
        )

    Category = apps.get_model("catalog", "Category")
    fields = dict(BREACH_CATEGORY)
    Category.objects.get_or_create(code=fields.pop("code"), defaults=fields)

    ScoreIndicator = apps.get_model("supervision", "ScoreIndicator")
    categories = {c.code: c for c in Category.objects.all()}
    for order, (code, name, source, category, field, values, kind, points, cap, window, text) in enumerate(INDICATORS):
        if category and category not in categories:
            continue  # a place that removed the category keeps the rest of the model
        ScoreIndicator.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "source": source, "category": categories.get(category), "match_field": field,
                "match_values": values, "list_kind": kind, "points": points, "cap": cap, "window_months": window,
                "description": text, "sort_order": (order + 1) * 10,
            },
        )

    GradeLevel = apps.get_model("supervision", "GradeLevel")
    Measure = apps.get_model("measures", "Measure")
    for code, name, minimum, ratio, measures, refer, tolerance, supervision in GRADES:
        level, created = GradeLevel.objects.get_or_create(
            code=code,
            defaults={"name": name, "min_score": minimum, "inspection_ratio": ratio, "refer_to_watch_list": refer,
                      "allows_tolerance": tolerance, "supervision": supervision},
        )
        if created:
            level.measures.set(Measure.objects.filter(code__in=measures))

    CommitmentTemplate = apps.get_model("supervision", "CommitmentTemplate")
    BusinessMatter = apps.get_model("measures", "BusinessMatter")
    for order, (code, name, kind, matter, item, dept, dept_name, days, months, text) in enumerate(TEMPLATES):
        CommitmentTemplate.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "kind": kind, "matter": BusinessMatter.objects.filter(code=matter).first(),
                "item_name": item, "department_code": dept, "department_name": dept_name,
                "deadline_working_days": days, "period_months": months, "text": text,
                "source": "共社信办字〔2020〕7号 二（一）", "sort_order": (order + 1) * 10,
            },
        )

    IndustryMeasureKind = apps.get_model("supervision", "IndustryMeasureKind")
    LegalBasis = apps.get_model("measures", "LegalBasis")
    basis = LegalBasis.objects.filter(code=BASIS).first()
    for code, name, severity, member, ends, public, months, matters in KINDS:
        kind, created = IndustryMeasureKind.objects.get_or_create(
            code=code,
            defaults={"name": name, "severity": severity, "requires_membership": member, "ends_membership": ends,
                      "public": public, "period_months": months, "legal_basis": basis, "basis_article": ARTICLE,
                      "sort_order": severity * 10},
        )
        if created:
            kind.matters.set(BusinessMatter.objects.filter(code__in=matters))


def unseed(apps, schema_editor):
    for model in ("IndustryMeasureKind", "CommitmentTemplate", "GradeLevel", "ScoreIndicator"):
        apps.get_model("supervision", model).objects.all().delete()
    apps.get_model("catalog", "Category").objects.filter(code="commitment_breach", records__isnull=True).delete()
    apps.get_model("core", "Parameter").objects.filter(code__in=[p[0] for p in PARAMETERS]).delete()
    apps.get_model("accounts", "Role").objects.filter(code__in=[r[0] for r in ROLES], users__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_initial"),
        ("accounts", "0002_default_roles"),
        ("catalog", "0004_default_severity_rules"),
        ("core", "0004_default_parameters"),
        ("measures", "0002_default_catalog"),
        ("lists", "0002_default_list_types"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
