from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "xinyong.measures"
    label = "measures"
    verbose_name = "奖惩措施"
