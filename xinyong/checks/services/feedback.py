"""Feedback on the measures of a check (R11): one measure at a time (the API), or every measure of one
check at once (the workbench's one form, all or none). Feedback closes the department's tasks about the
entry that brought the measure."""

from dataclasses import dataclass

from django.db import transaction

from xinyong.accounts.models import Department
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core import clock
from xinyong.core.errors import Conflict, InvalidInput
from xinyong.notices.services import close_entry_tasks

from ..models import Check, Feedback
from .storage import STORED_COLUMNS, get_check


@dataclass(frozen=True)
class MeasureFeedback:
    measure: str
    applied: bool
    note: str = ""


@dataclass(frozen=True)
class FeedbackState:
    """A check as its implementer reads it for feedback: the measures in force, and those fed back."""

    check: Check
    in_force: list[dict]  # measures of the answer not suspended, in the answer's order
    given: dict[str, Feedback]  # by measure code

    @property
    def owed(self) -> list[dict]:
        return [m for m in self.in_force if m["code"] not in self.given]


def feedback_state(number: str, department: Department | None, *, any_department: bool = False) -> FeedbackState:
    """The check (the department's own, or any for those who oversee: `storage.get_check`'s rule) and its
    feedback so far."""
    found = get_check(number, department, any_department=any_department)
    given = {f.measure: f for f in found.feedback.all()} if found.pk else {}
    in_force = [m for m in found.answer["measures"] if not m["suspended"]]
    return FeedbackState(found, in_force, given)


def _kept(found: Check) -> Check:
    """A batch answer saved as a check of its own (the first time it gets feedback)."""
    if found.pk is not None:
        return found
    fields = {name: getattr(found, name) for name in (*STORED_COLUMNS[1:], "batch_id")}
    kept, _ = Check.objects.get_or_create(number=found.number, defaults=fields)
    return kept


@transaction.atomic
def give_feedback(
    *, actor: Actor, department: Department, number: str, measure: str, applied: bool, note: str
) -> Feedback:
    found = get_check(number, department)
    answered = {m["code"]: m for m in found.answer["measures"]}
    if measure not in answered:
        raise InvalidInput(
            f"措施“{measure}”不在该次核查结果中；可反馈：{'、'.join(answered) or '无'}", code="measure_not_in_check"
        )
    if not applied and not note.strip():
        raise InvalidInput("未落实的措施须说明理由", code="reason_required")
    found = _kept(found)
    if Feedback.objects.filter(check_record=found, measure=measure).exists():
        raise Conflict("该措施已反馈", code="feedback_exists")
    entry_id = answered[measure]["source"]["entry_id"]
    feedback = Feedback.objects.create(
        check_record=found,
        measure=measure,
        applied=applied,
        note=note.strip(),
        department=department,
        entry_id=int(entry_id) if entry_id else None,
        given_by=actor.name,
        given_at=clock.now(),
    )
    if entry_id:
        close_entry_tasks(
            department=department, entry_id=int(entry_id), at=feedback.given_at, note=f"已反馈核查 {number}"
        )
    audit(
        actor=actor,
        action="check.feedback",
        object_type="check",
        object_id=number,
        after={"measure": measure, "applied": applied, "note": feedback.note},
    )
    return feedback


@transaction.atomic
def give_all(*, actor: Actor, department: Department, number: str, items: list[MeasureFeedback]) -> list[Feedback]:
    """Every item through `give_feedback`; the reasons missing are named all together first (`details`:
    one per measure, so a form shows each beside its measure)."""
    if not items:
        raise InvalidInput("请至少反馈一项措施的落实情况", code="empty_feedback")
    missing = [item.measure for item in items if not item.applied and not item.note.strip()]
    if missing:
        raise InvalidInput(
            "未落实的措施须说明理由",
            code="reason_required",
            details=[{"field": code, "message": "未落实的措施须说明理由"} for code in missing],
        )
    return [
        give_feedback(
            actor=actor,
            department=department,
            number=number,
            measure=item.measure,
            applied=item.applied,
            note=item.note,
        )
        for item in items
    ]
