"""What a process must still do before it ends (write what it holds in memory).

`atexit` is not enough: a server worker is a multiprocessing child, which ends with `os._exit` and skips
`atexit`. So hooks registered here run at interpreter exit (commands, tests) and when a server worker
stops (`xinyong serve` wraps Granian's worker with `run_exit_hooks`). Running them twice is harmless.
"""

import atexit
import logging
from collections.abc import Callable

logger = logging.getLogger("xinyong")

_HOOKS: list[Callable[[], object]] = []


def at_exit(hook: Callable[[], object]) -> None:
    _HOOKS.append(hook)


def run_exit_hooks() -> None:
    for hook in _HOOKS:
        try:
            hook()
        except Exception:
            logger.exception("进程退出前的收尾工作失败：%s", getattr(hook, "__qualname__", hook))


atexit.register(run_exit_hooks)
