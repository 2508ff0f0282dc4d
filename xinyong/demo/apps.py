from django.apps import AppConfig


class DemoConfig(AppConfig):
    """An app only so that Django finds the `demo` command; it has no models."""

    name = "xinyong.demo"
    label = "demo"
    verbose_name = "演示数据"
