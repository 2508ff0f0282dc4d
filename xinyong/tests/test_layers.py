"""The layers are enforced (docs/architecture.md §2): the `layers` contract in pyproject.toml, checked by
`lint-imports` in scripts/test.sh, keeps the tree as it is and breaks on an app importing one above it or
on an app given no place — so a new cycle between apps fails the build."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def lint(root: Path) -> subprocess.CompletedProcess:
    """`lint-imports` on the `xinyong` package under `root` (first on the path, so a copy is the one read)."""
    return subprocess.run(
        [sys.executable, "-c", LINT, "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_tree_keeps_the_layers():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


def test_an_import_against_the_layers_or_an_app_without_a_place_breaks_them(tmp_path):
    shutil.copytree(ROOT / "xinyong", tmp_path / "xinyong", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / "xinyong" / "core" / "clock.py").open("a", encoding="utf-8") as clock:
        clock.write("\nfrom xinyong.checks import engine  # noqa: E402,F401  (core is the lowest layer)\n")
    (tmp_path / "xinyong" / "newapp").mkdir()
    (tmp_path / "xinyong" / "newapp" / "__init__.py").touch()

    result = lint(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "xinyong.core is not allowed to import xinyong.checks" in result.stdout
    assert "xinyong.core.clock -> xinyong.checks.engine" in result.stdout
    assert "- xinyong.newapp" in result.stdout  # exhaustive: every app must be given its layer
