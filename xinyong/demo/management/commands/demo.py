import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from xinyong.core.management.commands.serve import serve
from xinyong.demo import data as demo


class Command(BaseCommand):
    help = "创建/升级默认数据库，载入演示数据，打印登录信息并启动服务"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        logins = demo.load()
        url = f"http://{options['host']}:{options['port']}/"
        database = settings.DATABASES["default"]
        self.stdout.write(self.style.SUCCESS("信用平台演示环境已就绪"))
        self.stdout.write(f"  数据库：{database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}")
        self.stdout.write(f"  门户首页：{url}")
        self.stdout.write(f"  接口文档：{url}api/v1/docs")
        self.stdout.write(f"  工作台登录：{url}accounts/login/（部门工作人员进入信用工作台）")
        self.stdout.write(f"  管理后台：{url}admin/（信用办维护目录和规则）")
        self.stdout.write("  演示账号（密码和令牌每次运行 demo 都会重新生成）：")
        for login in logins:
            self.stdout.write(
                f"    {login.username:<8} 密码 {login.password:<14} {login.department}（{'、'.join(login.roles)}）"
            )
            self.stdout.write(f"             API 令牌 {login.token}")
        if options["no_serve"]:
            return
        self.stdout.write(f"按 Ctrl+C 停止服务。正在启动 {url} …（后台任务进程同时启动，处理上传的导入文件）")
        self.stdout.flush()
        # Uploaded files are imported by the task worker; in production it is `xinyong worker` of its own.
        worker = subprocess.Popen([sys.executable, "-m", "xinyong.cli", "worker"])
        try:
            serve(host=options["host"], port=options["port"], workers=1, threads=4)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
