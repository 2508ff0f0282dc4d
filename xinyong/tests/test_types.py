"""mypy with django-stubs is a build step (scripts/test.sh, after ruff): its configuration in pyproject.toml
counts errors in core, every services and selectors module or package and every API module — matched by
module patterns, so a module added later is covered where it lands — and a type error there fails it."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

WRONG = 'def total(counts: dict[str, int]) -> int:\n    return counts.get("all")  # int | None, not int\n'


def type_check(root: Path) -> subprocess.CompletedProcess:
    """mypy as scripts/test.sh runs it, on the `xinyong` package under `root` (first on the path)."""
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(root / "pyproject.toml"), "--cache-dir", str(root / "c")],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root), "XINYONG_SECRET_KEY": "type-check-only"},
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.slow
def test_a_type_error_in_a_new_services_module_fails_and_the_tree_has_none(tmp_path):
    shutil.copytree(ROOT / "xinyong", tmp_path / "xinyong", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    app = tmp_path / "xinyong" / "probe"
    (app / "services").mkdir(parents=True)
    (app / "__init__.py").touch()
    (app / "services" / "__init__.py").touch()
    probe = app / "services" / "totals.py"
    probe.write_text(WRONG, encoding="utf-8")  # a layer that counts
    (app / "views.py").write_text(WRONG, encoding="utf-8")  # outside the checked layers: not counted yet

    result = type_check(tmp_path)

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    errors = [line for line in output.splitlines() if re.search(r": error: ", line)]
    assert errors == [
        f"{probe.relative_to(tmp_path).as_posix()}:2: error: Incompatible return value type "
        '(got "int | None", expected "int")  [return-value]'
    ], output
