"""The subject's rights in pages (issue 20 §4): 提出异议, 申请信用修复, 信用承诺, 自主填报, 授权查询. Each form
posts to the same service the API's subject endpoint calls (rights, supervision, selfreports); the targets a
form offers, and any id it receives, are looked up among the subject's own rows first."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xinyong.accounts.models import Department
from xinyong.accounts.roles import GRANTEES, PROVIDER
from xinyong.catalog.models import Category
from xinyong.core import clock
from xinyong.core.errors import DomainError, NotFound
from xinyong.core.form_errors import put_on_form
from xinyong.lists.models import ListEntry
from xinyong.records.models import Record
from xinyong.rights.services import required_conditions
from xinyong.selfreports import services as self_reports
from xinyong.supervision.models import Authorisation, CommitmentKind, CommitmentTemplate
from xinyong.supervision.services import associations, commitments

from . import forms, selectors
from .access import my_page
from .services import filing

SUBJECT_KINDS = (CommitmentKind.NOTIFY, CommitmentKind.TOLERANCE)  # the templates a subject signs itself


def _label(item: Record | ListEntry) -> str:
    if isinstance(item, Record):
        return f"{item.category.name} {item.decision_number or '#' + str(item.pk)}（{item.provider.name}）"
    return f"{item.list_type.name} {item.document_number}（{item.initiator.name}）"


def _targets(subject) -> list[tuple[str, str]]:
    """The subject's own records and entries that may still be contested or repaired."""
    active = [
        r for r in selectors.records(subject) if r.status in (Record.Status.ACTIVE, Record.Status.UNDER_OBJECTION)
    ]
    shown = [(f"record:{r.pk}", _label(r)) for r in active]
    for item in selectors.entries(subject):
        if item["entry"].status == ListEntry.Status.ACTIVE:
            shown.append((f"entry:{item['entry'].pk}", _label(item["entry"])))
    return shown


def _own_target(subject, value: str) -> Record | ListEntry:
    record_id, entry_id = forms.parse_target(value)
    found = selectors.record(subject, record_id) if record_id else selectors.entry(subject, entry_id or 0)
    if found is None:
        raise NotFound("该信息不存在或不属于本主体", code="target_not_found")
    return found


def _status(form) -> int:
    return 422 if form.is_bound and form.errors else 200


# ---- 提出异议 ------------------------------------------------------------------------------------


@my_page
@never_cache
@require_http_methods(["GET", "POST"])
def objections(request):
    subject = request.subject
    initial = {"target": request.GET.get("target", "")}
    form = forms.Objection(request.POST or None, request.FILES or None, targets=_targets(subject), initial=initial)
    if request.method == "POST" and form.is_valid():
        target = _own_target(subject, form.cleaned_data["target"])
        try:
            filed = filing.file_objection(
                actor=request.actor,
                user=request.user,
                record_id=target.pk if isinstance(target, Record) else None,
                entry_id=target.pk if isinstance(target, ListEntry) else None,
                reason=form.cleaned_data["reason"],
                files=form.cleaned_data["attachments"],
            )
        except DomainError as error:
            put_on_form(
                form,
                error,
                codes={
                    "attachment_type": "attachments",
                    "attachment_too_large": "attachments",
                    "too_many_attachments": "attachments",
                    "attachment_empty": "attachments",
                },
            )
        else:
            messages.success(request, f"异议已提交，核查期限 {filed.due_on:%Y-%m-%d}；核查期间相关措施暂停。")
            return redirect("my:objections")
    context = {
        "form": form,
        "items": selectors.objections(subject),
        "documents": selectors.documents(subject),
        "section": "objections",
    }
    return render(request, "my/objections.html", context, status=_status(form))


# ---- 申请信用修复 --------------------------------------------------------------------------------


@my_page
@never_cache
@require_http_methods(["GET", "POST"])
def repairs(request):
    subject = request.subject
    chooser = forms.RepairTarget(request.GET or None, targets=_targets(subject))
    context = {
        "chooser": chooser,
        "items": selectors.repairs(subject),
        "documents": selectors.documents(subject),
        "section": "repairs",
    }
    value = request.POST.get("target") or request.GET.get("target")
    if not value:
        return render(request, "my/repairs.html", context)
    target = _own_target(subject, value)
    handler = target.provider if isinstance(target, Record) else target.initiator
    form = forms.Repair(request.POST or None, request.FILES or None, conditions=required_conditions(handler))
    context.update(form=form, target=target, target_value=value, target_label=_label(target))
    if request.method == "POST" and form.is_valid():
        try:
            applied = filing.apply_repair(
                actor=request.actor,
                user=request.user,
                record_id=target.pk if isinstance(target, Record) else None,
                entry_id=target.pk if isinstance(target, ListEntry) else None,
                methods=["fulfil", "commit"],
                commitment=form.cleaned_data["commitment"],
                conditions_met=form.met(),
                files=form.documents(),
            )
        except DomainError as error:
            put_on_form(form, error)
        else:
            messages.success(
                request, f"修复申请已提交，{applied.handler.name}将于 {applied.due_on:%Y-%m-%d} 前作出决定。"
            )
            return redirect("my:repairs")
    return render(request, "my/repairs.html", context, status=_status(form))


# ---- 信用承诺 ------------------------------------------------------------------------------------


@my_page
@never_cache
@require_http_methods(["GET", "POST"])
def commitment_page(request):
    templates = list(
        CommitmentTemplate.objects.filter(is_active=True, kind__in=SUBJECT_KINDS).order_by("sort_order", "id")
    )
    form = forms.Commitment(
        request.POST or None, templates=templates, initial={"template": request.GET.get("template")}
    )
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["template"]
        try:
            made = commitments.make_commitment(
                actor=request.actor,
                subject=commitments.committing_subject(request.user, None),
                department=commitments.accepting_department(request.user, "", code),
                template_code=code,
                missing_materials=form.cleaned_data["missing_materials"],
                reference=form.cleaned_data["reference"],
            )
        except DomainError as error:
            put_on_form(
                form,
                error,
                codes={"missing_materials_required": "missing_materials", "tolerance_not_allowed": "template"},
            )
        else:
            messages.success(request, f"已作出信用承诺（编号 {made.number}），承诺内容已向社会公开。")
            return redirect("my:commitments")
    context = {
        "form": form,
        "templates": templates,
        "section": "commitments",
        "items": commitments.visible_to(request.user).order_by("-id")[:50],
    }
    return render(request, "my/commitments.html", context, status=_status(form))


# ---- 自主填报 ------------------------------------------------------------------------------------


def _verifiers() -> list[tuple[str, str]]:
    found = Department.objects.filter(is_active=True, users__roles__code=PROVIDER).distinct().order_by("code")
    return [(d.code, d.name) for d in found]


@my_page
@never_cache
@require_http_methods(["GET", "POST"])
def self_report_page(request):
    form = forms.SelfReportForm(request.POST or None, departments=_verifiers())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            self_reports.submit(
                actor=request.actor,
                user=request.user,
                kind=data["kind"],
                title=data["title"],
                content=data["content"],
                evidence=data["evidence"],
                verifier_code=data["verifier"],
                commitment=data["commitment"],
            )
        except DomainError as error:
            put_on_form(form, error, codes={"commitment_required": "commitment", "invalid_kind": "kind"})
        else:
            messages.success(request, "已提交，核实部门核实后记入信用记录。")
            return redirect("my:self_reports")
    context = {
        "form": form,
        "section": "self_reports",
        "items": self_reports.visible_to(request.user).order_by("-id")[:50],
    }
    return render(request, "my/self_reports.html", context, status=_status(form))


# ---- 授权查询 ------------------------------------------------------------------------------------


def _grantees() -> list[tuple[str, str]]:
    found = Department.objects.filter(is_active=True, users__roles__code__in=GRANTEES).distinct().order_by("name")
    return [(d.code, d.name) for d in found]


def _authorisation_form(request):
    shared = Category.objects.filter(disclosure__in=associations.SHARED_DISCLOSURES).order_by("sort_order", "code")
    return forms.Authorisation(
        request.POST or None,
        grantees=_grantees(),
        scopes=Authorisation.Scope.choices,
        categories=[(c.code, c.name) for c in shared],
        today=clock.today(),
    )


@my_page
@never_cache
@require_http_methods(["GET", "POST"])
def authorisations(request):
    form = _authorisation_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = associations.grant(
                actor=request.actor,
                user=request.user,
                grantee_code=data["grantee"],
                purpose=data["purpose"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                scope=data["scope"],
                categories=data["categories"],
            )
        except DomainError as error:
            put_on_form(
                form,
                error,
                codes={
                    "invalid_period": "valid_to",
                    "categories_required": "categories",
                    "invalid_categories": "categories",
                    "purpose_required": "purpose",
                },
            )
        else:
            messages.success(request, f"已授权 {made.grantee.name} 查询，有效期至 {made.valid_to:%Y-%m-%d}。")
            return redirect("my:authorisations")
    context = {
        "form": form,
        "section": "authorisations",
        "today": clock.today(),
        "items": associations.visible_authorisations(request.user).order_by("-id")[:50],
    }
    return render(request, "my/authorisations.html", context, status=_status(form))


@my_page
@require_POST
def withdraw(request, authorisation_id: int):
    own = associations.visible_authorisations(request.user).filter(pk=authorisation_id).exists()
    if not own:
        raise NotFound("授权不存在", code="authorisation_not_found")
    done = associations.revoke(actor=request.actor, user=request.user, authorisation_id=authorisation_id)
    messages.success(request, f"已撤回对 {done.grantee.name} 的查询授权。")
    return redirect("my:authorisations")
