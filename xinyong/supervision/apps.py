from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "xinyong.supervision"
    label = "supervision"
    verbose_name = "信用监管"
