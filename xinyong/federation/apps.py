from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "xinyong.federation"
    label = "federation"
    verbose_name = "平台对接（上下级平台交换）"

    def ready(self):
        from django.db.models.signals import post_save

        from xinyong.lists.models import ListEntry
        from xinyong.records.models import Record

        from . import jobs  # noqa: F401  (registers the daily job)
        from .outbox import entry_saved, record_saved

        post_save.connect(record_saved, sender=Record, dispatch_uid="federation-record-saved")
        post_save.connect(entry_saved, sender=ListEntry, dispatch_uid="federation-entry-saved")
