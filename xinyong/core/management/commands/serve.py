from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "以生产服务器（Granian，WSGI 多进程）启动平台"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="工作进程数，一般等于 CPU 核数")
        parser.add_argument("--threads", type=int, default=4, help="每个进程处理请求的线程数")

    def handle(self, *args, **options):
        serve(host=options["host"], port=options["port"], workers=options["workers"], threads=options["threads"])


def _worker(*args, **kwargs) -> None:
    """Granian's WSGI worker, then this process's exit hooks: the worker ends with `os._exit`, which
    would skip them (`core.lifecycle`)."""
    from granian import Granian

    from xinyong.core.lifecycle import run_exit_hooks

    Granian._spawn_wsgi_worker(*args, **kwargs)
    run_exit_hooks()


def serve(*, host: str, port: int, workers: int, threads: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    Granian(
        "xinyong.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        respawn_failed_workers=True,
    ).serve(spawn_target=_worker)
