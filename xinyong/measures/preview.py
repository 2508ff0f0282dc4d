"""What an entry will do, shown to the initiator before confirming (R7, R10, R13): the entry as
`lists.services.prepare_entry` checked it — the same checks and defaults `create_entry` applies — with
the measures its list type triggers for the subject and for the persons it reaches. Here, not in `lists`:
measures name the list types that trigger them, so this app sits above `lists`."""

from dataclasses import dataclass

from xinyong.lists.services import EntryInput, PreparedEntry, prepare_entry

from .models import Measure
from .selectors import measures_for

# Whom a measure may be applied to, by its target (as the check engine applies them: a person, or a
# person reached through an organisation's entry, gets person measures; an organisation the others).
_FOR_PERSON = {Measure.Target.PERSON, Measure.Target.BOTH}
_FOR_ORGANISATION = {Measure.Target.ORGANISATION, Measure.Target.BOTH}


@dataclass(frozen=True)
class EntryPreview:
    entry: PreparedEntry
    measures: list[Measure]  # applied to the subject itself
    person_measures: list[Measure]  # applied to each person reached (empty when none is)


def preview_entry(*, user, data: EntryInput) -> EntryPreview:
    """Raises exactly what `create_entry` would raise for the same input."""
    prepared = prepare_entry(user=user, data=data)
    # Measures in no business matter are not applied through checks (e.g. notices to a public body's
    # superior, sent with the list change itself: integrity's ENTRY_NOTICES).
    triggered = [m for m in measures_for({prepared.list_type.code}) if m.matters.all()]
    targets = _FOR_PERSON if prepared.subject.is_person else _FOR_ORGANISATION
    return EntryPreview(
        entry=prepared,
        measures=[m for m in triggered if m.target in targets],
        person_measures=[m for m in triggered if m.target in _FOR_PERSON] if prepared.persons else [],
    )
