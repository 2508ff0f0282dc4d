"""`xinyong federation publish [--region R]` / `xinyong federation consume --from R [--durable NAME]`."""

from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandError

from xinyong.core.errors import DomainError
from xinyong.federation import services


class Command(BaseCommand):
    help = "与上下级平台交换：publish 推送待上报的信用信息和名单条目；consume --from 平台 接收"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        publish = sub.add_parser("publish", help="推送待上报消息到本平台的 JetStream 流")
        publish.add_argument("--region", help="本平台编码（默认 XINYONG_REGION）")
        consume = sub.add_parser("consume", help="从另一平台的流接收消息")
        consume.add_argument("--from", dest="source", required=True, help="来源平台编码")
        consume.add_argument("--durable", help="持久消费者名（默认 <本平台>-from-<来源>）")
        consume.add_argument("--wait", type=float, default=0.5, help="无新消息时等待的秒数")
        consume.add_argument("--ack-wait", type=float, default=30.0, help="未确认消息重发前的秒数")

    def handle(self, *args, **options):
        try:
            if options["action"] == "publish":
                result = services.publish(region=options["region"])
            else:
                result = services.consume(
                    source=options["source"],
                    durable=options["durable"],
                    wait=options["wait"],
                    ack_wait=options["ack_wait"],
                )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(services.as_json(asdict(result)))
