"""Health and readiness probes for load balancers and monitoring (issue 9, operations)."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from . import calendar, clock


@require_GET
def healthz(request):
    """The process answers: nothing else is checked, so a slow database never restarts workers."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request):
    """Ready to serve: the database answers and every migration is applied. A missing calendar year is
    a warning only: taking the whole platform out of the load balancer on 1 January would be worse."""
    problems, warnings = [], []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            problems.append("数据库迁移未完成，请运行 xinyong migrate")
    except Exception as error:  # any database failure means "not ready", with the reason
        problems.append(f"数据库不可用：{type(error).__name__}")
    else:
        try:
            calendar.is_working_day(clock.today())
        except calendar.CalendarMissing as missing:
            warnings.append(missing.message)
    status = 200 if not problems else 503
    body = {"status": "ready" if not problems else "not_ready", "problems": problems, "warnings": warnings}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
