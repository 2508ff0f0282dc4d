"""Credit-based supervision (002 §1, §6, §8, §9, §20; R17–R19, R26, R27): commitments, the public credit
evaluation and its grades, graded random inspections, rectification and interviews, industry
associations and authorised sharing. Rules (templates, indicators, grade thresholds and ratios,
industry measure kinds) are data the credit office edits in the admin; the rest is what happened."""

from django.core.exceptions import ValidationError
from django.db import models

# ---- commitments (R17, 002 §1) ------------------------------------------------------------------


class CommitmentKind(models.TextChoices):
    # 告知承诺: the application is approved on the written commitment; the department verifies later.
    NOTIFY = "notify", "告知承诺"
    # 容缺受理: accepted now although material is missing; the applicant supplies it by a deadline.
    TOLERANCE = "tolerance", "容缺受理"
    VOLUNTARY = "voluntary", "主动承诺"
    REPAIR = "repair", "信用修复承诺"
    # Government integrity (政务诚信, R31, 004 二(一)): a government body's own promises, kept like anyone's.
    GOV_POLICY = "gov_policy", "政府政策承诺"
    GOV_CONTRACT = "gov_contract", "政府合同履约"
    GOV_PAYMENT = "gov_payment", "清偿拖欠企业账款"


class CommitmentTemplate(models.Model):
    """A standard commitment letter (格式规范的信用承诺书) for a licensing matter, published on the portal."""

    code = models.SlugField("编码", max_length=64, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("承诺类型", max_length=16, choices=CommitmentKind.choices)
    matter = models.ForeignKey(
        "measures.BusinessMatter",
        verbose_name="业务事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitment_templates",
    )
    item_name = models.CharField("许可事项", max_length=100, blank=True, help_text="如：食品经营许可")
    department_code = models.CharField("受理部门编码", max_length=32, blank=True)
    department_name = models.CharField("受理部门", max_length=100, blank=True)
    conditions = models.TextField("审批条件/承诺事项", blank=True)
    text = models.TextField("承诺书正文")
    deadline_working_days = models.PositiveSmallIntegerField(
        "补齐材料期限（工作日）", null=True, blank=True, help_text="容缺受理：自受理之日起补齐所缺材料的期限"
    )
    period_months = models.PositiveSmallIntegerField(
        "承诺核查期（月）", null=True, blank=True, help_text="告知承诺、修复承诺：期满未发现违诺即为已践诺"
    )
    source = models.CharField("出处", max_length=100, blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = verbose_name_plural = "信用承诺书模板"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.kind == CommitmentKind.TOLERANCE and not self.deadline_working_days:
            raise ValidationError({"deadline_working_days": "容缺受理须规定补齐材料的期限"})


class Commitment(models.Model):
    """One commitment a subject made (R17). Its record (`credit_commitment`) is public; fulfilment is
    tracked to `due_on`; a broken commitment also becomes a `commitment_breach` dishonesty record."""

    class Status(models.TextChoices):
        PENDING = "pending", "履约中"
        FULFILLED = "fulfilled", "已践诺"
        BROKEN = "broken", "未践诺"

    number = models.CharField("承诺编号", max_length=32, unique=True, null=True, blank=True)
    kind = models.CharField("承诺类型", max_length=16, choices=CommitmentKind.choices)
    template = models.ForeignKey(
        CommitmentTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="commitments"
    )
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="commitments")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="commitments")
    matter = models.CharField("业务事项", max_length=64, blank=True)
    item_name = models.CharField("事项", max_length=100, blank=True)
    text = models.TextField("承诺内容")
    missing_materials = models.TextField("容缺材料", blank=True)
    reference = models.CharField("关联办件/申请编号", max_length=100, blank=True)
    made_at = models.DateTimeField("承诺时间")
    made_by = models.CharField("录入人", max_length=150)
    due_on = models.DateField("履约期限", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)
    resolved_by = models.CharField("办结人", max_length=150, blank=True)
    resolution = models.CharField("说明", max_length=500, blank=True)
    breach_kind = models.CharField("违诺情形", max_length=20, blank=True)
    record = models.ForeignKey(
        "records.Record", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="承诺信息"
    )
    breach_record = models.ForeignKey(
        "records.Record", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="违诺信息"
    )

    class Meta:
        verbose_name = verbose_name_plural = "信用承诺"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "due_on"]), models.Index(fields=["subject", "status"])]

    def __str__(self) -> str:
        return self.number or f"承诺#{self.pk}"


# ---- public credit evaluation (R18, 002 §6) -----------------------------------------------------


class ScoreIndicator(models.Model):
    """One line of the scoring model: which records (or list entries) it reads and what each is worth.

    A record counts when it is current, active (not under objection, not repaired or revoked), still
    inside its publication period and dated within `window_months`. Points add up per indicator up to
    `cap` (in absolute value, the most recent first); the score is the base plus all indicators."""

    class Source(models.TextChoices):
        RECORD = "record", "信用信息"
        LIST_ENTRY = "list_entry", "名单条目"

    code = models.SlugField("编码", max_length=64, unique=True)
    name = models.CharField("名称", max_length=100)
    source = models.CharField("数据来源", max_length=12, choices=Source.choices, default=Source.RECORD)
    category = models.ForeignKey(
        "catalog.Category", verbose_name="信息类别", null=True, blank=True, on_delete=models.PROTECT
    )
    match_field = models.CharField("筛选字段", max_length=40, blank=True, help_text="如 CF_YZCD；留空表示该类别全部")
    match_values = models.JSONField(
        "字段取值", default=list, blank=True, help_text='如 ["一般", ""]；空字符串表示字段未填写'
    )
    list_kind = models.CharField("名单类别", max_length=8, blank=True, help_text="red / black（数据来源为名单条目时）")
    points = models.DecimalField("每条分值", max_digits=6, decimal_places=2, help_text="负数为扣分")
    cap = models.DecimalField("累计上限（绝对值）", max_digits=6, decimal_places=2, null=True, blank=True)
    window_months = models.PositiveSmallIntegerField("计分时间窗（月）", null=True, blank=True)
    description = models.TextField("说明", blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = verbose_name_plural = "信用评价指标"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.source == self.Source.RECORD and self.category_id is None:
            raise ValidationError({"category": "数据来源为信用信息时须选择信息类别"})
        if self.source == self.Source.LIST_ENTRY and self.list_kind not in ("red", "black"):
            raise ValidationError({"list_kind": "数据来源为名单条目时，名单类别须为 red 或 black"})
        if not isinstance(self.match_values, list):
            raise ValidationError({"match_values": "应为列表"})


class GradeLevel(models.Model):
    """A grade (A/B/C/D) with its threshold, its random-inspection ratio (002 §6: fewer inspections
    for good credit, more for high risk) and the measures a check answers for it."""

    code = models.CharField("等级", max_length=8, unique=True)
    name = models.CharField("名称", max_length=50)
    min_score = models.DecimalField("最低分", max_digits=6, decimal_places=2, help_text="得分不低于此值即为该等级")
    inspection_ratio = models.DecimalField("双随机抽查比例", max_digits=5, decimal_places=4, help_text="0.02 = 2%")
    measures = models.ManyToManyField(
        "measures.Measure",
        verbose_name="核查时给出的措施",
        blank=True,
        related_name="grade_levels",
        help_text="措施适用的业务事项以措施清单为准",
    )
    refer_to_watch_list = models.BooleanField(
        "提请列入重点关注对象名单", default=False, help_text="按规则参数 grade_watch_auto_list 提请信用办或直接列入"
    )
    allows_tolerance = models.BooleanField("可容缺受理", default=True)
    supervision = models.TextField("监管方式", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "信用等级"
        ordering = ["-min_score"]

    def __str__(self) -> str:
        return f"{self.code}（{self.name}）"

    def clean(self):
        if self.inspection_ratio is not None and not 0 <= self.inspection_ratio <= 1:
            raise ValidationError({"inspection_ratio": "抽查比例应在 0 到 1 之间"})


class Evaluation(models.Model):
    """A subject's grade as computed at one moment, with every contribution that moved it. A new row
    is written only when the result changes, so the rows are the grade's history."""

    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="evaluations")
    grade = models.CharField("等级", max_length=8)
    grade_name = models.CharField("等级名称", max_length=50)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)
    base = models.DecimalField("基础分", max_digits=6, decimal_places=2)
    contributions = models.JSONField("计分明细", default=list)
    summary = models.TextField("说明")
    model_digest = models.CharField("评价模型摘要", max_length=64)
    computed_at = models.DateTimeField("评价时间")
    trigger = models.CharField("触发", max_length=32)
    previous_grade = models.CharField("原等级", max_length=8, blank=True)
    is_current = models.BooleanField("当前", default=True)
    # The first day a counted record or entry leaves its window: the daily job recomputes then.
    expires_on = models.DateField("计分变化日", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "信用评价"
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["subject", "is_current"]), models.Index(fields=["is_current", "expires_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["subject"], condition=models.Q(is_current=True), name="evaluation_one_current_per_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_id}:{self.grade}"


class JobMark(models.Model):
    """How far a daily job has read an ever-growing table: the newest id at its last run and at the run
    before (e.g. records graded)."""

    name = models.SlugField(max_length=64, unique=True)
    value = models.BigIntegerField(default=0)
    previous = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "每日任务进度"

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


# ---- random inspections (双随机一公开, R18) -------------------------------------------------------


class Inspector(models.Model):
    """A law-enforcement officer on a department's roster (执法检查人员名录库)."""

    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="inspectors")
    code = models.CharField("执法证号", max_length=40, unique=True)
    name = models.CharField("姓名", max_length=50)
    is_active = models.BooleanField("在册", default=True)
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "执法检查人员"
        ordering = ["department", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class InspectorConflict(models.Model):
    """A declared conflict of interest (需回避): the inspector is never drawn for this subject."""

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="conflicts")
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="inspector_conflicts")
    reason = models.CharField("回避事由", max_length=200)
    declared_at = models.DateTimeField("申报时间")
    declared_by = models.CharField("申报人", max_length=150)

    class Meta:
        verbose_name = verbose_name_plural = "回避申报"
        constraints = [models.UniqueConstraint(fields=["inspector", "subject"], name="conflict_once")]

    def __str__(self) -> str:
        return f"{self.inspector} ↔ {self.subject}"


class InspectionPlan(models.Model):
    """One random-inspection draw: the population by grade, the ratios, the seed and the algorithm are
    all kept, so anyone can re-run the draw and obtain the same subjects and inspectors."""

    number = models.CharField("计划编号", max_length=32, unique=True, null=True, blank=True)
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="inspection_plans")
    name = models.CharField("名称", max_length=200)
    scope = models.TextField("检查事项", blank=True)
    seed = models.CharField("随机种子", max_length=100)
    algorithm = models.CharField("抽取算法", max_length=32)
    ratios = models.JSONField("各等级抽查比例")
    population = models.JSONField("抽取范围（按等级的主体检索键）")
    population_digest = models.CharField("抽取范围摘要", max_length=64)
    inspector_pool = models.JSONField("执法人员库（执法证号）")
    inspectors_per_subject = models.PositiveSmallIntegerField("每户检查人员数")
    drawn_at = models.DateTimeField("抽取时间")
    drawn_by = models.CharField("抽取人", max_length=150)

    class Meta:
        verbose_name = verbose_name_plural = "双随机抽查计划"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number or f"计划#{self.pk}"


class InspectionResult(models.TextChoices):
    PASSED = "passed", "未发现问题"
    ISSUES = "issues", "发现问题，已责令整改"
    VIOLATION = "violation", "发现违法违规行为，已立案查处"
    ABSENT = "absent", "通过登记的住所（经营场所）无法联系"


class InspectionTask(models.Model):
    """A subject drawn in a plan, its randomly assigned inspectors, and the published result."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="tasks")
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="inspection_tasks")
    grade = models.CharField("抽取时等级", max_length=8)
    inspectors = models.JSONField("检查人员（执法证号，按抽取顺序）")
    excluded = models.JSONField("因回避排除的人员", default=list)
    result = models.CharField("检查结果", max_length=16, choices=InspectionResult.choices, blank=True)
    findings = models.TextField("检查情况", blank=True)
    inspected_on = models.DateField("检查日期", null=True, blank=True)
    record = models.ForeignKey("records.Record", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("结果录入时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "抽查对象"
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.subject_id}"


# ---- rectification and interviews (R19, 002 §9) -------------------------------------------------


class RectificationOrder(models.Model):
    """An order to rectify by a deadline (限期整改). Overdue orders escalate to the watch list."""

    class Status(models.TextChoices):
        OPEN = "open", "整改中"
        RECTIFIED = "rectified", "已整改"
        ESCALATED = "escalated", "逾期未整改，已提请列入重点关注对象名单"

    number = models.CharField("编号", max_length=32, unique=True, null=True, blank=True)
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="rectification_orders")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="rectification_orders")
    document_number = models.CharField("责令整改文书号", max_length=100)
    reason = models.TextField("失信行为/问题")
    requirements = models.TextField("整改要求")
    basis_record = models.ForeignKey(
        "records.Record", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="依据信息"
    )
    ordered_on = models.DateField("责令日期")
    deadline = models.DateField("整改期限")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    completion_note = models.TextField("整改情况", blank=True)
    escalated_at = models.DateTimeField("升级时间", null=True, blank=True)
    record = models.ForeignKey("records.Record", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.CharField("录入人", max_length=150)
    created_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = verbose_name_plural = "限期整改"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return self.number or f"整改#{self.pk}"


class Interview(models.Model):
    """A prompt or warning interview (提示约谈/警示约谈), held by the identifying department
    (谁认定、谁约谈); its record enters the subject's credit record."""

    class Kind(models.TextChoices):
        PROMPT = "prompt", "提示约谈"
        WARNING = "warning", "警示约谈"

    number = models.CharField("编号", max_length=32, unique=True, null=True, blank=True)
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="interviews")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="interviews")
    kind = models.CharField("约谈类型", max_length=8, choices=Kind.choices)
    order = models.ForeignKey(
        RectificationOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="interviews"
    )
    held_on = models.DateField("约谈日期")
    interviewees = models.CharField("被约谈人", max_length=200, blank=True)
    content = models.TextField("约谈内容及要求")
    record = models.ForeignKey("records.Record", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.CharField("录入人", max_length=150)
    created_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = verbose_name_plural = "约谈记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number or f"约谈#{self.pk}"


class WatchReferral(models.Model):
    """A subject put forward for the watch list (重点关注对象名单, 002 §8): by its grade (offered to the
    credit office, or listed at once per parameter) or by an overdue rectification (listed at once)."""

    class Source(models.TextChoices):
        GRADE = "grade", "信用评价等级"
        RECTIFICATION = "rectification", "逾期未整改"

    class Status(models.TextChoices):
        OFFERED = "offered", "待信用办决定"
        LISTED = "listed", "已列入"
        DISMISSED = "dismissed", "不予列入"

    number = models.CharField("编号", max_length=32, unique=True, null=True, blank=True)
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="watch_referrals")
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    reason = models.TextField("理由")
    evaluation = models.ForeignKey(Evaluation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        RectificationOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OFFERED)
    entry = models.ForeignKey("lists.ListEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("提请时间")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decided_by = models.CharField("决定人", max_length=150, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "重点关注名单提请"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "subject"])]

    def __str__(self) -> str:
        return self.number or f"提请#{self.pk}"


# ---- industry associations (R27) and authorised sharing (R26) -----------------------------------


class Association(models.Model):
    """An industry association or chamber of commerce (行业协会商会). Its users belong to its own
    department row (role `association`)."""

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    department = models.OneToOneField(
        "accounts.Department", on_delete=models.PROTECT, related_name="association", verbose_name="账号所属部门"
    )
    supervisor_code = models.CharField("业务主管单位编码", max_length=32, blank=True)
    rules = models.CharField("行规行约/章程", max_length=200, blank=True, help_text="行业性惩戒措施的依据")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "行业协会商会"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A member's entry in an association's member credit file (会员信用档案)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "会员"
        LEFT = "left", "已退会"
        EXPELLED = "expelled", "已劝退/除名"

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="memberships")
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="memberships_in")
    member_number = models.CharField("会员编号", max_length=50, blank=True)
    joined_on = models.DateField("入会日期")
    left_on = models.DateField("退会日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "会员信用档案"
        constraints = [models.UniqueConstraint(fields=["association", "subject"], name="membership_once")]

    def __str__(self) -> str:
        return f"{self.association.code}:{self.subject_id}"


class IndustryMeasureKind(models.Model):
    """An industry measure (行业性惩戒措施, 002 §11, 000 §11): warning, criticism, censure, refusal,
    expulsion — with the business matters in which a check shows it and its basis."""

    code = models.SlugField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=50)
    severity = models.PositiveSmallIntegerField("严重程度", default=1)
    requires_membership = models.BooleanField("仅对会员", default=True)
    ends_membership = models.BooleanField("终止会员资格", default=False)
    public = models.BooleanField("向社会公开", default=True)
    period_months = models.PositiveSmallIntegerField("默认期限（月）", null=True, blank=True)
    matters = models.ManyToManyField(
        "measures.BusinessMatter", verbose_name="核查时适用的业务事项", blank=True, related_name="industry_kinds"
    )
    legal_basis = models.ForeignKey(
        "measures.LegalBasis", verbose_name="依据", null=True, blank=True, on_delete=models.PROTECT
    )
    basis_article = models.CharField("条款", max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = verbose_name_plural = "行业性惩戒措施类型"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class IndustryMeasure(models.Model):
    """An industry measure an association applied to a subject (R27)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "有效"
        REVOKED = "revoked", "已撤销"

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="measures")
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="industry_measures")
    kind = models.ForeignKey(IndustryMeasureKind, on_delete=models.PROTECT, related_name="applied")
    document_number = models.CharField("决定文号", max_length=100)
    reason = models.TextField("事由")
    decided_on = models.DateField("决定日期")
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.CharField("录入人", max_length=150)
    created_at = models.DateTimeField("录入时间")
    ended_at = models.DateTimeField("撤销时间", null=True, blank=True)
    end_reason = models.CharField("撤销理由", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "行业性惩戒"
        ordering = ["-id"]
        indexes = [models.Index(fields=["subject", "status"])]

    def __str__(self) -> str:
        return f"{self.kind.name}：{self.subject_id}"


class Authorisation(models.Model):
    """A subject's authorisation (信用信息查询授权) for a financial institution, credit agency or
    association to read its non-public records, for a purpose and a period; revocable at any time."""

    class Scope(models.TextChoices):
        ALL = "all", "全部社会公开及授权查询类信息"
        CATEGORIES = "categories", "指定信息类别"

    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="authorisations")
    grantee = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="authorisations")
    scope = models.CharField("授权范围", max_length=12, choices=Scope.choices, default=Scope.ALL)
    categories = models.JSONField("信息类别", default=list, blank=True)
    purpose = models.CharField("用途", max_length=200)
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("截止日期")
    created_by = models.CharField("授权人", max_length=150)
    created_at = models.DateTimeField("授权时间")
    revoked_at = models.DateTimeField("撤回时间", null=True, blank=True)
    revoked_by = models.CharField("撤回人", max_length=150, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "查询授权"
        ordering = ["-id"]
        indexes = [models.Index(fields=["subject", "grantee"])]

    def __str__(self) -> str:
        return f"{self.subject_id}→{self.grantee_id}"
