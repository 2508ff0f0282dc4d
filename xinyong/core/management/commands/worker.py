from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "运行后台任务（推送、导入、报告生成）"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="处理完当前队列后退出")

    def handle(self, *args, **options):
        extra = ["--batch", "--no-startup-delay"] if options["once"] else []
        call_command("db_worker", *extra)
