import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from xinyong.audit.services import Actor
from xinyong.core.errors import DomainError
from xinyong.subjects.selectors import get_by_code
from xinyong.supervision.selectors import evaluation_body
from xinyong.supervision.services import grading


class Command(BaseCommand):
    help = "公共信用综合评价：--all 重新评价全部市场主体（如评价模型调整后），或评价并说明指定主体"

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="统一社会信用代码")
        parser.add_argument("--all", action="store_true", help="全部市场主体")

    def handle(self, *args, **options):
        codes, everyone = options["codes"], options["all"]
        if everyone == bool(codes):
            raise CommandError("请指定 --all 或一个或多个主体代码")
        actor = Actor(name="cli", channel="cli")
        try:
            if everyone:
                result = grading.recompute_all(actor=actor, trigger="cli_all")
            else:
                result = {}
                for code in codes:
                    subject = get_by_code(code)
                    evaluation = grading.refresh(subject, trigger="cli", actor=actor)
                    result[subject.public_code] = evaluation_body(evaluation) if evaluation else None
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(json.dumps(result, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1))
