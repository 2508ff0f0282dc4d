from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "xinyong.records"
    label = "records"
    verbose_name = "信用信息归集"

    def ready(self):
        from xinyong.subjects.selectors import PROFILE_SCHEMAS, PROFILE_SECTIONS

        from . import jobs  # noqa: F401  (registers the daily jobs)
        from .schemas import RecordGroupOut
        from .selectors import public_records_section

        PROFILE_SECTIONS.append(public_records_section)
        PROFILE_SCHEMAS["records"] = list[RecordGroupOut]
