from django.apps import AppConfig


class MyConfig(AppConfig):
    name = "xinyong.my"
    label = "my"
    verbose_name = "我的信用"

    def ready(self):
        from xinyong.records.services import RECORD_DELIVERED

        from . import jobs, signals  # noqa: F401  (notices: the daily job and the receivers)

        if signals.records_delivered not in RECORD_DELIVERED:
            RECORD_DELIVERED.append(signals.records_delivered)
