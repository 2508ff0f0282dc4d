from django.core.management.base import BaseCommand, CommandError

from xinyong.accounts import services
from xinyong.accounts.models import User
from xinyong.audit.services import Actor
from xinyong.core.errors import DomainError


class Command(BaseCommand):
    help = "管理 API 令牌：xinyong token create USERNAME | xinyong token revoke PREFIX"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="生成新令牌（只显示一次）")
        create.add_argument("username")
        create.add_argument("--name", default="", help="用途说明")
        create.add_argument("--days", type=int, default=None, help="有效天数（0 为不过期）")
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("prefix", help="令牌前缀（xy_ 之后、第二个下划线之前的部分）")

    def handle(self, *args, **options):
        actor = Actor(name="cli", channel="cli")
        try:
            if options["action"] == "create":
                user = User.objects.filter(username=options["username"]).first()
                if user is None:
                    raise CommandError(f"用户“{options['username']}”不存在")
                token, plaintext = services.create_token(
                    actor=actor, user=user, name=options["name"], days=options["days"]
                )
                self.stdout.write(plaintext)
                expiry = token.expires_at.date().isoformat() if token.expires_at else "不过期"
                self.stderr.write(f"令牌只显示这一次，请妥善保存。有效期至：{expiry}")
            else:
                services.revoke_token(actor=actor, prefix=options["prefix"])
                self.stdout.write(f"令牌 {options['prefix']} 已吊销")
        except DomainError as error:
            raise CommandError(error.message) from error
