import logging
import os

from django.core.wsgi import get_wsgi_application
from django.db import DatabaseError, close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
application = get_wsgi_application()


def _warm_check_snapshot() -> None:
    """Load the check snapshot while the worker starts (seconds at a million subjects), not in the first
    check request. A database not ready yet is no reason to refuse to start: the first check loads it."""
    from xinyong.checks.engine import SNAPSHOT

    try:
        SNAPSHOT.current()
    except DatabaseError as error:
        logging.getLogger("xinyong").warning("核查快照未能预加载（首次核查时加载）：%s", error)
    finally:
        close_old_connections()


_warm_check_snapshot()
