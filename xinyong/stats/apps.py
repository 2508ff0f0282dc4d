from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "xinyong.stats"
    label = "stats"
    verbose_name = "跟踪问效"
