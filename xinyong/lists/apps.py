from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "xinyong.lists"
    label = "lists"
    verbose_name = "红黑名单"

    def ready(self):
        from xinyong.subjects.selectors import PROFILE_SCHEMAS, PROFILE_SECTIONS

        from . import jobs  # noqa: F401  (registers the daily jobs)
        from .public import public_entries_section
        from .schemas import PublicEntryOut

        PROFILE_SECTIONS.append(public_entries_section)
        PROFILE_SCHEMAS["list_entries"] = list[PublicEntryOut]
