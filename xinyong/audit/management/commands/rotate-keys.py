from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core import crypto

# Every encrypted column: (model label, field). A slice that adds one adds it here.
ENCRYPTED_FIELDS = [
    ("subjects.Subject", "id_encrypted"),
    ("records.Record", "personal_encrypted"),
]


class Command(BaseCommand):
    help = "用 XINYONG_FIELD_KEYS 的第一个密钥重新加密全部个人信息（密钥轮换的第二步）"

    def handle(self, *args, **options):
        counts = {}
        for label, field in ENCRYPTED_FIELDS:
            counts[f"{label}.{field}"] = self._rotate(apps.get_model(label), field)
        audit(actor=Actor(name="cli", channel="cli"), action="crypto.rotate", object_type="keys", after=counts)
        for name, count in counts.items():
            self.stdout.write(f"{name}：已重新加密 {count} 条")

    def _rotate(self, model, field: str, batch: int = 2000) -> int:
        rotated = 0
        rows = model.objects.exclude(**{field: ""}).values_list("pk", field).order_by("pk")
        last = 0
        while True:
            chunk = list(rows.filter(pk__gt=last)[:batch])
            if not chunk:
                return rotated
            with transaction.atomic():
                for pk, token in chunk:
                    model.objects.filter(pk=pk).update(**{field: crypto.reencrypt(token)})
            rotated += len(chunk)
            last = chunk[-1][0]
