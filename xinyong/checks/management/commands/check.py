"""`xinyong check CODE --matter M`: an embedded check from the command line (architecture §5).

Without CODE it is Django's own system check, which this command extends rather than hides.
"""

import json

from django.core.management.base import CommandError
from django.core.management.commands.check import Command as SystemCheckCommand

from xinyong.accounts.models import Department
from xinyong.audit.services import Actor
from xinyong.checks.services import answering, storage
from xinyong.core.errors import DomainError

FORCE = {"mandatory": "强制", "recommended": "推荐"}
KIND = {"punishment": "惩戒", "reward": "激励"}
RESULT = {"restricted": "限制", "incentive": "激励", "clear": "无限制"}


class Command(SystemCheckCommand):
    help = "核查主体：xinyong check CODE --matter 业务事项 [--department 部门编码] [--json]；不带 CODE 时为系统自检"

    def add_arguments(self, parser):
        # Django's own options, minus its app-label positionals: the positional here is the code.
        parser.add_argument("--tag", "-t", action="append", dest="tags", help="系统自检：只运行指定标签")
        parser.add_argument("--list-tags", action="store_true", help="系统自检：列出可用标签")
        parser.add_argument("--deploy", action="store_true", help="系统自检：包含部署检查")
        parser.add_argument("--fail-level", default="ERROR", choices=["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"])
        parser.add_argument("--database", action="append", dest="databases")
        parser.add_argument("code", nargs="?", help="统一社会信用代码或身份证号")
        parser.add_argument("--matter", help="业务事项编码（见 GET /api/v1/matters）")
        parser.add_argument("--department", default="XYB", help="以哪个部门的名义核查（记录在核查记录中）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="输出 JSON")

    def handle(self, *app_labels, **options):
        code = options.pop("code")
        if code is None:
            return super().handle(*app_labels, **options)
        if not options["matter"]:
            raise CommandError("请用 --matter 指定业务事项")
        department = Department.objects.filter(code=options["department"]).first()
        if department is None:
            raise CommandError(f"部门“{options['department']}”不存在")
        try:
            answer = answering.check(
                actor=Actor(name="cli", department=department.code, channel="cli"),
                department=department,
                subject_code=code,
                matter=options["matter"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        storage.WRITER.flush()  # stored before it is shown, as an implementer's record of what was answered
        if options["as_json"]:
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=1))
        else:
            self._table(answer)

    def _table(self, answer: dict) -> None:
        subject = answer["subject"]
        self.stdout.write(f"核查编号 {answer['check_id']}  {answer['checked_at']}")
        self.stdout.write(f"主体 {subject['name'] or '（平台无记录）'} {subject['code']}  业务事项 {answer['matter']}")
        self.stdout.write(f"结果：{RESULT[answer['result']]}")
        for m in answer["measures"]:
            via = m["source"]["via"]
            suffix = f"（经 {via['organisation']} {via['role']}）" if via else ""
            paused = " [异议中，暂停]" if m["suspended"] else ""
            self.stdout.write(
                f"  - {KIND[m['kind']]}/{FORCE[m['force']]} {m['name']}{paused}{suffix}\n"
                f"      依据：{'；'.join(m['legal_basis'])}"
                f"  来源：{m['source']['list_type']} #{m['source']['entry_id']}"
            )
