from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xinyong.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from . import lookups  # noqa: F401  (registers `__among`)
