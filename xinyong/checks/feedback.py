"""Feedback on every measure of one check at once (R11): the workbench's one form, each measure stored
by `services.give_feedback`, all or none."""

from dataclasses import dataclass

from django.db import transaction

from xinyong.accounts.models import Department
from xinyong.audit.services import Actor
from xinyong.core.errors import InvalidInput

from . import services
from .models import Check, Feedback


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
    """The check (the department's own, or any for those who oversee: `services.get_check`'s rule) and its
    feedback so far."""
    found = services.get_check(number, department, any_department=any_department)
    given = {f.measure: f for f in found.feedback.all()} if found.pk else {}
    in_force = [m for m in found.answer["measures"] if not m["suspended"]]
    return FeedbackState(found, in_force, given)


@transaction.atomic
def give_all(*, actor: Actor, department: Department, number: str, items: list[MeasureFeedback]) -> list[Feedback]:
    """Every item through `services.give_feedback`; the reasons missing are named all together first
    (`details`: one per measure, so a form shows each beside its measure)."""
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
        services.give_feedback(
            actor=actor,
            department=department,
            number=number,
            measure=item.measure,
            applied=item.applied,
            note=item.note,
        )
        for item in items
    ]
