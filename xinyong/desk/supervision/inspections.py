"""双随机抽查 (R18; 002 §6): a department keeps its inspectors, creates a plan — drawn at once, each grade at
its ratio, by the published algorithm and seed — shows the draw and its seed, re-runs it from what the plan
recorded to verify it, and records each inspection's result (published as a record; with a deadline, an
order to rectify too). As the API: read by `GOVERNMENT`, written by `DEPARTMENTS`."""

from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from xinyong.accounts.roles import DEPARTMENTS, GOVERNMENT
from xinyong.accounts.selectors import department_of
from xinyong.core.errors import NotFound
from xinyong.supervision.models import InspectionTask, Inspector
from xinyong.supervision.services import inspections

from ..access import desk_page
from ..pages import render_page
from .common import may_post, page_of, submit, too_deep
from .forms import InspectorForm, PlanForm, ResultForm

PLAN_ERRORS = {
    "name_required": "name",
    "invalid_identifier": "subjects",
    "subject_not_found": "subjects",
    "not_enough_inspectors": "inspectors_per_subject",
    "invalid_inspectors_per_subject": "inspectors_per_subject",
}


def _plans_page(request, *, plan_form=None, inspector_form=None, status=200):
    page = page_of(request, inspections.visible_plans(request.user).order_by("-id"))
    if page is None:
        return too_deep(request)
    rows, pager = page
    context = {
        "rows": rows,
        "pager": pager,
        "inspectors": Inspector.objects.filter(department=department_of(request.user)).order_by("-is_active", "code"),
        "may_draw": may_post(request.user, new_plan),
        "plan_form": plan_form or PlanForm(prefix="plan"),
        "inspector_form": inspector_form or InspectorForm(prefix="inspector"),
    }
    return render_page(request, "desk/supervision/plans.html", context, status=status)


@desk_page(GOVERNMENT)
def plans(request):
    return _plans_page(request)


@desk_page(DEPARTMENTS)
@require_POST
def new_inspector(request):
    form = InspectorForm(request.POST, prefix="inspector")
    done = submit(
        request,
        form,
        lambda data: inspections.add_inspector(
            actor=request.actor, user=request.user, code=data["code"], name=data["name"]
        ),
        done=lambda i: f"已登记执法检查人员 {i.name}（{i.code}）。",
        to=reverse("desk:inspections") + "#inspectors",
        codes={"inspector_exists": "code"},
    )
    return done or _plans_page(request, inspector_form=form, status=422)


@desk_page(DEPARTMENTS)
@require_http_methods(["POST"])
def new_plan(request):
    form = PlanForm(request.POST, prefix="plan")
    done = submit(
        request,
        form,
        lambda data: inspections.create_plan(
            actor=request.actor,
            user=request.user,
            name=data["name"],
            scope=data["scope"],
            seed=data["seed"],
            subject_codes=form.subject_codes(),
            kinds=data["kinds"] or None,
            inspectors_per_subject=data["inspectors_per_subject"],
        ),
        done=lambda p: f"已完成抽取：{p.number}，随机种子 {p.seed}，抽中 {p.tasks.count()} 户。",
        to=lambda p: reverse("desk:inspection", args=[p.pk]),
        codes=PLAN_ERRORS,
    )
    return done or _plans_page(request, plan_form=form, status=422)


def _plan(user, plan_id: int):
    found = inspections.visible_plans(user).filter(pk=plan_id).first()
    if found is None:
        raise NotFound("抽查计划不存在", code="plan_not_found")
    return found


def _result_form(task, failed: dict) -> ResultForm:
    return failed.get(task.pk) or ResultForm(prefix=f"task{task.pk}")


def _plan_page(request, plan_id: int, *, verified=None, failed: dict | None = None, status=200):
    """`failed`: {task id: its result form, as posted with errors}."""
    plan = _plan(request.user, plan_id)
    tasks = list(plan.tasks.select_related("subject").order_by("grade", "id"))
    may_record = may_post(request.user, record_result, plan.department_id)
    forms = failed or {}
    rows = [{"task": t, "form": _result_form(t, forms) if may_record and not t.result else None} for t in tasks]
    drawn = {}
    for t in tasks:
        drawn[t.grade] = drawn.get(t.grade, 0) + 1
    grades = [
        {"grade": g, "ratio": plan.ratios.get(g, "0"), "population": len(keys), "drawn": drawn.get(g, 0)}
        for g, keys in sorted(plan.population.items())
    ]
    context = {"plan": plan, "rows": rows, "grades": grades, "verified": verified, "may_record": may_record}
    return render_page(request, "desk/supervision/plan.html", context, status=status)


@desk_page(GOVERNMENT)
def plan(request, plan_id: int):
    return _plan_page(request, plan_id)


@desk_page(GOVERNMENT)
@require_POST
def verify(request, plan_id: int):
    """Re-run the draw from the recorded seed, population and roster (`inspections.verify`, as the API's
    `GET /inspection-plans/{id}/verify`); a POST only so that a button, not a link, asks for it."""
    return _plan_page(request, plan_id, verified=inspections.verify(_plan(request.user, plan_id)))


@desk_page(DEPARTMENTS)
@require_POST
def record_result(request, task_id: int):
    task = InspectionTask.objects.filter(pk=task_id, plan__in=inspections.visible_plans(request.user)).first()
    if task is None:
        raise NotFound("抽查对象不存在", code="task_not_found")
    form = ResultForm(request.POST, prefix=f"task{task_id}")
    done = submit(
        request,
        form,
        lambda data: inspections.record_result(
            actor=request.actor,
            user=request.user,
            task_id=task_id,
            result=data["result"],
            findings=data["findings"],
            inspected_on=data["inspected_on"],
            rectify_by=data["rectify_by"],
            document_number=data["document_number"],
        ),
        done=lambda t: f"已录入并公示{t.subject.name}的检查结果：{t.get_result_display()}。",
        to=reverse("desk:inspection", args=[task.plan_id]) + f"#task-{task_id}",
        codes={"invalid_date": "inspected_on", "invalid_deadline": "rectify_by", "result_exists": "result"},
    )
    return done or _plan_page(request, task.plan_id, failed={task_id: form}, status=422)
