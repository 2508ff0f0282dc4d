import gzip
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from xinyong.audit.services import verify_chain


class Command(BaseCommand):
    help = "从 xinyong backup 的文件恢复到一个空数据库，并校验审计链：xinyong restore FILE.json.gz"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        source = Path(options["file"])
        if not source.exists():
            raise CommandError(f"备份文件不存在：{source}")
        call_command("migrate", interactive=False, verbosity=0)
        if apps.get_model("audit", "AuditEvent").objects.exists():
            raise CommandError("目标数据库已有数据：恢复只写入新建的空数据库，以免覆盖现有记录")
        # Migrations seed default rows (roles, calendar, catalog…); the backup holds them with the same
        # keys, so loading it updates them in place.
        with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as plain:
            with gzip.open(source, "rt", encoding="utf-8") as packed:
                for chunk in iter(lambda: packed.read(1 << 20), ""):
                    plain.write(chunk)
            plain.flush()
            call_command("loaddata", plain.name, verbosity=0)
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"恢复完成，但审计链在事件 #{report.first_broken_id} 处断裂：{report.reason}")
        self.stdout.write(f"已恢复；审计链完好，共 {report.checked} 条事件")
