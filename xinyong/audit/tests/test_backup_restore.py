import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from xinyong.audit.models import AuditEvent
from xinyong.demo import data as demo


@pytest.mark.slow  # migrates a second database in a subprocess
def test_backup_restores_into_a_fresh_database_with_a_sound_audit_chain(db, tmp_path):
    demo.load()
    events = AuditEvent.objects.count()
    backup = tmp_path / "backup.json.gz"
    call_command("backup", str(backup), stdout=io.StringIO())

    env = {
        **os.environ,
        "XINYONG_DATA_DIR": str(tmp_path / "restored"),
        "XINYONG_DATABASE_URL": "",
        "DJANGO_SETTINGS_MODULE": "xinyong.settings",
    }
    restored = subprocess.run(
        [sys.executable, "-m", "xinyong.cli", "restore", str(backup)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert restored.returncode == 0, restored.stderr
    assert f"共 {events} 条事件" in restored.stdout
    again = subprocess.run(
        [sys.executable, "-m", "xinyong.cli", "restore", str(backup)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode != 0 and "已有数据" in again.stderr
    check = subprocess.run(
        [sys.executable, "-m", "xinyong.cli", "check", "--deploy", "--fail-level", "CRITICAL"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stderr
