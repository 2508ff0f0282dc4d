"""Shared PostgreSQL helpers for benchmarks: a dedicated, migrated database per benchmark.

A benchmark gets its own database, created from a migrated template that is rebuilt only when a
migration file changes (the fingerprint is kept as the template's comment), so a run costs one
`CREATE DATABASE … TEMPLATE …` (a file copy) instead of a full `migrate`. Each benchmark names its
own template, so two benchmarks (or two engineers) never copy a template the other is migrating.
"""

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def workdir() -> Path:
    path = Path(os.environ.get("XINYONG_BENCH_DIR") or Path(tempfile.gettempdir()) / "xinyong-bench")
    path.mkdir(parents=True, exist_ok=True)
    return path


def server_url(benchmark: str) -> str:
    """XINYONG_DATABASE_URL (any database on the server: only the server is used), else the local one."""
    url = os.environ.get("XINYONG_DATABASE_URL") or DEFAULT_URL
    if urlparse(url).scheme not in {"postgres", "postgresql"}:
        raise SystemExit(f"{benchmark} benchmark: XINYONG_DATABASE_URL must point at PostgreSQL")
    return url


def with_db(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/" + name))


def connect(url: str, **kwargs):
    import psycopg

    return psycopg.connect(url, autocommit=True, **kwargs)


def migrations_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("xinyong/*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    # Fixtures loaded by data migrations count too: a changed catalog must rebuild the template.
    for path in sorted(ROOT.glob("xinyong/*/fixtures/*.json")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def django_env(url: str, data_dir: Path, **extra: str) -> dict:
    """Environment for a Django process (child, server) against `url`."""
    env = dict(os.environ)
    env.update(
        XINYONG_DATABASE_URL=url,
        XINYONG_DATA_DIR=str(data_dir),
        XINYONG_SECRET_KEY=env.get("XINYONG_SECRET_KEY") or "bench-only-secret-" + "b" * 32,
        DJANGO_SETTINGS_MODULE="xinyong.settings",
        XINYONG_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    env.update(extra)
    return env


def fresh_database(server: str, name: str, template: str, data_dir: Path) -> str:
    """Drop and re-create database `name` from the migrated `template`; migrate the template only when
    the migrations changed. Returns the URL of the new database. `XINYONG_BENCH_DB_SUFFIX` is appended
    to both names, so several checkouts can run benchmarks against one server side by side."""
    suffix = os.environ.get("XINYONG_BENCH_DB_SUFFIX", "")
    name, template = name + suffix, template + suffix
    fingerprint = migrations_fingerprint()
    with connect(with_db(server, "postgres")) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [template]
        ).fetchone()
        if row is None or row[0] != fingerprint:
            admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{template}"')
            subprocess.run(
                [sys.executable, "-m", "xinyong.cli", "migrate", "-v0"],
                env=django_env(with_db(server, template), data_dir),
                cwd=ROOT,
                check=True,
            )
            admin.execute(f"COMMENT ON DATABASE \"{template}\" IS '{fingerprint}'")
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return with_db(server, name)
