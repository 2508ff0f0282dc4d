from django.core.management.base import BaseCommand, CommandError

from xinyong.accounts import services
from xinyong.accounts.models import Department
from xinyong.audit.services import Actor
from xinyong.core.errors import DomainError


class Command(BaseCommand):
    help = "管理用户：xinyong user create USERNAME --department CODE [--department-name NAME] --role ROLE …"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="创建用户（部门不存在时一并创建）")
        create.add_argument("username")
        create.add_argument("--department", required=True, help="部门编码")
        create.add_argument("--department-name", help="新部门的名称")
        create.add_argument(
            "--role",
            action="append",
            default=[],
            dest="roles",
            help="credit_office / provider / initiator / implementer / department_admin / auditor 等，可重复",
        )
        create.add_argument("--password", help="登录密码：有角色即可登录工作台（不填则只能用 API 令牌）")
        create.add_argument("--staff", action="store_true", help="允许登录管理后台")

    def handle(self, *args, **options):
        actor = Actor(name="cli", channel="cli")
        try:
            department = _department(actor, options["department"], options.get("department_name"))
            user = services.create_user(
                actor=actor,
                username=options["username"],
                department=department,
                roles=options["roles"],
                password=options.get("password"),
                is_staff=options["staff"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"已创建用户 {user.username}（{department.name}，角色：{'、'.join(options['roles'])}）")


def _department(actor: Actor, code: str, name: str | None) -> Department:
    existing = Department.objects.filter(code=code).first()
    if existing:
        return existing
    if not name:
        raise CommandError(f"部门“{code}”不存在：请用 --department-name 给出名称以新建")
    return services.upsert_department(actor=actor, code=code, name=name)
