from django.core.management.base import BaseCommand, CommandError

from xinyong.audit.services import verify_chain


class Command(BaseCommand):
    help = "审计日志：xinyong audit verify 校验哈希链"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="逐条重算哈希，指出第一条被篡改或缺失的事件")

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"审计链在事件 #{report.first_broken_id} 处断裂：{report.reason}（此前 {report.checked} 条完好）"
            )
        self.stdout.write(f"审计链完好：共 {report.checked} 条事件")
