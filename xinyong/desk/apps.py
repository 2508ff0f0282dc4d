from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "xinyong.desk"
    label = "desk"
    verbose_name = "信用工作台"
