import gzip
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Derived or transient tables: rebuilt by migrations, sessions and the task queue are not state.
EXCLUDED = ["contenttypes", "auth.permission", "admin.logentry", "sessions", "django_tasks_database"]


class Command(BaseCommand):
    help = "备份全部业务数据（含审计链）为 gzip 压缩的 JSON：xinyong backup FILE.json.gz"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件路径（.json.gz）")

    def handle(self, *args, **options):
        target = Path(options["file"])
        with gzip.open(target, "wt", encoding="utf-8") as out:
            call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, stdout=out, verbosity=0)
        self.stdout.write(
            f"已备份到 {target}（{target.stat().st_size / 1024:.1f} KB）。个人信息仍为密文，恢复时需相同密钥。"
        )
