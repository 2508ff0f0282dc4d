from django.apps import AppConfig


class SelfreportsConfig(AppConfig):
    name = "xinyong.selfreports"
    label = "selfreports"
    verbose_name = "自主填报"
