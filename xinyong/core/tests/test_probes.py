import datetime as dt

from xinyong.core import clock


def test_health_and_readiness(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
    with clock.frozen_at(dt.date(2026, 6, 1)):
        ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_missing_calendar_year_is_a_warning_not_an_outage(client, db):
    with clock.frozen_at(dt.date(2027, 3, 1)):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert "2027" in response.json()["warnings"][0]


def test_not_ready_with_unapplied_migrations(client, db, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("pending", False)])
    response = client.get("/readyz")
    assert response.status_code == 503 and "迁移" in response.json()["problems"][0]
