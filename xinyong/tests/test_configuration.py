"""Configuration has one home: the environment is read in `xinyong/settings.py` only."""

import importlib.util
import os
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
ENV_READ = re.compile(r"os\.environ|getenv|from os import .*environ")

# Modules that touch the environment without reading configuration from it: the test settings put a
# throw-away data directory and secret into it before importing the real settings, and the two entry
# points name the settings module for Django (`setdefault`, a caller's own choice wins).
ALLOWED = {"settings.py", "test_settings.py", "cli.py", "wsgi.py"}


def _is_test_module(path: Path) -> bool:
    # Tests build the environment of the subprocesses they start (a second platform, the CLI).
    return "tests" in path.parts or path.name == "conftest.py"


def test_only_settings_read_the_environment():
    readers = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if not _is_test_module(path.relative_to(PACKAGE))
        and str(path.relative_to(PACKAGE)) not in ALLOWED
        and ENV_READ.search(path.read_text(encoding="utf-8"))
    )
    assert readers == [], f"read the environment in xinyong/settings.py, not in {readers}"


def test_the_allowed_entry_points_only_name_the_settings_module():
    for name in ("cli.py", "wsgi.py"):
        uses = re.findall(r"os\.environ[^\n]*", (PACKAGE / name).read_text(encoding="utf-8"))
        assert uses == ['os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")'], name


def test_the_detector_finds_a_read():
    # The pattern above is what keeps the rule: it must see each way of reading a variable.
    for line in ('os.environ.get("X")', 'os.environ["X"]', 'os.getenv("X")', "from os import environ"):
        assert ENV_READ.search(line), line


def _fresh_settings(monkeypatch, tmp_path, **env):
    """xinyong/settings.py evaluated anew under the given environment (nothing else of XINYONG_*)."""
    for name in [n for n in os.environ if n.startswith("XINYONG_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("XINYONG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("XINYONG_SECRET_KEY", "test-only")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("fresh_settings", PACKAGE / "settings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_settings_keep_the_documented_defaults(monkeypatch, tmp_path):
    fresh = _fresh_settings(monkeypatch, tmp_path)
    assert fresh.XINYONG_IMPORT_MAX_BYTES == 200 * 1024 * 1024
    assert fresh.XINYONG_IMPORT_BATCH_ROWS == 5000
    assert 1 <= fresh.XINYONG_IMPORT_WORKERS <= 2
    assert fresh.XINYONG_NATS_URL == ""  # federation off
    assert fresh.XINYONG_REGION == "local"


@pytest.mark.parametrize(
    ("env", "setting", "value"),
    [
        ({"XINYONG_IMPORT_MAX_MB": "3"}, "XINYONG_IMPORT_MAX_BYTES", 3 * 1024 * 1024),
        ({"XINYONG_IMPORT_BATCH_ROWS": "700"}, "XINYONG_IMPORT_BATCH_ROWS", 700),
        ({"XINYONG_IMPORT_WORKERS": "0"}, "XINYONG_IMPORT_WORKERS", 0),
        ({"XINYONG_NATS_URL": "nats://broker:4222"}, "XINYONG_NATS_URL", "nats://broker:4222"),
        ({"XINYONG_REGION": "city"}, "XINYONG_REGION", "city"),
    ],
)
def test_settings_read_the_documented_variables(monkeypatch, tmp_path, env, setting, value):
    assert getattr(_fresh_settings(monkeypatch, tmp_path, **env), setting) == value
