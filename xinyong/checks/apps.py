from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "xinyong.checks"
    label = "checks"
    verbose_name = "嵌入式核查"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from xinyong.lists.models import ListType
        from xinyong.measures.models import Measure, MeasureBasis

        from .engine import note_catalog_change

        def catalog_changed(sender, **kwargs):
            # The credit office edited the measure catalog (admin): every process reloads it.
            note_catalog_change()

        for model in (Measure, MeasureBasis, ListType):
            post_save.connect(catalog_changed, sender=model, dispatch_uid=f"snapshot-{model.__name__}-save")
            post_delete.connect(catalog_changed, sender=model, dispatch_uid=f"snapshot-{model.__name__}-delete")
        for through in (Measure.list_types.through, Measure.matters.through):
            m2m_changed.connect(catalog_changed, sender=through, dispatch_uid=f"snapshot-{through.__name__}")
