from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "xinyong.checks"
    label = "checks"
    verbose_name = "嵌入式核查"

    def ready(self):
        _plug_into_lower_apps()
        _watch_the_snapshot_sources()


def _plug_into_lower_apps() -> None:
    """Notices and lists sit below checks: they reach its recipients, snapshot and loop through these."""
    from xinyong.lists.public import LIST_TYPE_MEASURES
    from xinyong.lists.selectors import ENTRY_LOOP
    from xinyong.lists.services import ENTRY_CHANGES
    from xinyong.notices.services import ENTRY_RECIPIENTS

    from .engine import note_entry_changes
    from .selectors import entry_feedback, entry_loop, push_recipients

    if push_recipients not in ENTRY_RECIPIENTS:
        ENTRY_RECIPIENTS.append(push_recipients)
    if note_entry_changes not in ENTRY_CHANGES:
        ENTRY_CHANGES.append(note_entry_changes)
    if snapshot_measures not in LIST_TYPE_MEASURES:
        LIST_TYPE_MEASURES.append(snapshot_measures)
    ENTRY_LOOP.told, ENTRY_LOOP.feedback = entry_loop, entry_feedback


def _watch_the_snapshot_sources() -> None:
    """The catalog (measures, their bases, list types) and subjects' names, edited outside any service
    (the admin), still reach every process's snapshot."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from xinyong.lists.models import ListType
    from xinyong.measures.models import Measure, MeasureBasis
    from xinyong.subjects.models import Subject

    from .engine import note_catalog_change, note_subject_changes

    def catalog_changed(sender, **kwargs):
        # The credit office edited the measure catalog (admin): every process reloads it.
        note_catalog_change()

    # weak=False: these receivers are local functions, which a weak reference would let go of as soon
    # as this function returns — silently, so the snapshot would never hear of the change.
    for model in (Measure, MeasureBasis, ListType):
        uid = f"snapshot-{model.__name__}"
        post_save.connect(catalog_changed, sender=model, weak=False, dispatch_uid=f"{uid}-save")
        post_delete.connect(catalog_changed, sender=model, weak=False, dispatch_uid=f"{uid}-delete")
    for through in (Measure.list_types.through, Measure.matters.through):
        m2m_changed.connect(catalog_changed, sender=through, weak=False, dispatch_uid=f"snapshot-{through.__name__}")

    def subject_saved(sender, instance, created, **kwargs):
        # A new subject is found by the processes' fallback lookup; a changed one (renamed) must be
        # told, or their directories would keep showing the old name.
        if not created:
            note_subject_changes([instance.pk])

    post_save.connect(subject_saved, sender=Subject, weak=False, dispatch_uid="snapshot-subject-save")


def snapshot_measures(list_type: str) -> list:
    """The measures of a list type in this process's check snapshot (what a check would answer)."""
    from .engine import SNAPSHOT

    return SNAPSHOT.current().measures_of(list_type)
