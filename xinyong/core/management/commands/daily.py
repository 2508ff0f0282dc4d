import json

from django.core.management.base import BaseCommand, CommandError

from xinyong.core import clock
from xinyong.core.daily import run_all
from xinyong.core.dates import parse_date
from xinyong.core.errors import DomainError


class Command(BaseCommand):
    help = "运行每日任务（名单到期、双公示逾期、异议期限等）；可重复运行"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期运行（YYYY-MM-DD），默认今天")

    def handle(self, *args, **options):
        try:
            today = parse_date(options["date"]) if options["date"] else clock.today()
        except ValueError as error:
            raise CommandError(str(error)) from error
        try:
            with clock.frozen_at(today):
                results = run_all(today)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(json.dumps({"date": today.isoformat(), "jobs": results}, ensure_ascii=False, indent=1))
