from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "xinyong.checks"
    label = "checks"
    verbose_name = "嵌入式核查"
