from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "xinyong.rights"
    label = "rights"
    verbose_name = "异议与信用修复"

    def ready(self):
        from xinyong.subjects.selectors import PROFILE_SCHEMAS, PROFILE_SECTIONS

        from . import jobs  # noqa: F401  (registers the daily jobs)
        from .schemas import PendingObjectionOut, RepairNoteOut
        from .selectors import objections_section, repair_notes_section

        PROFILE_SECTIONS.extend([objections_section, repair_notes_section])
        PROFILE_SCHEMAS.update(objections_pending=list[PendingObjectionOut], repair_notes=list[RepairNoteOut])
