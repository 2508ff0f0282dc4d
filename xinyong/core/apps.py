from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xinyong.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from . import calendar, lookups  # noqa: F401  (lookups registers `__among`)

        calendar.connect()  # the in-process calendar cache is dropped when its rows change
