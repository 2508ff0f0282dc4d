import io
import json
import os
import queue
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from django.core.management import call_command

from xinyong.accounts.models import User
from xinyong.subjects.models import Relation, Subject


def _tokens_by_user(output: str) -> dict[str, str]:
    tokens, user = {}, None
    for line in output.splitlines():
        if "密码" in line:
            user = line.split()[0]
        elif "API 令牌" in line and user:
            tokens[user] = line.split("API 令牌")[1].strip()
    return tokens


@pytest.mark.slow  # over a second on an idle machine: out of the fast subset
def test_demo_loads_idempotently_and_prints_working_credentials(api, db):
    call_command("demo", "--no-serve", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/" in text and "/api/v1/docs" in text
    assert Subject.objects.filter(kind="legal_person").count() == 6
    assert Relation.objects.count() == 6
    assert User.objects.filter(username="admin", is_superuser=True).exists()
    tokens = _tokens_by_user(text)
    assert {"admin", "xyb", "scjg", "sj"} <= tokens.keys()
    code = Subject.objects.filter(kind="legal_person").first().uscc
    body = {"code": code, "name": "九江柴桑示范建材有限公司", "kind": "legal_person"}
    assert api.post("/subjects", body, token=tokens["scjg"]).status_code == 200
    assert api.post("/subjects", body, token=tokens["sj"]).status_code == 403


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_line(stream, marker: str, timeout: float) -> str:
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in stream], daemon=True).start()
    seen = []
    while True:
        line = lines.get(timeout=timeout)
        seen.append(line)
        if marker in line:
            return "".join(seen)


def _wait_until_accepting(port: int, timeout: float) -> None:
    """A started worker may still be importing the app on a loaded machine: poll, bounded."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            threading.Event().wait(0.05)


def _start_server(port: int, env: dict) -> subprocess.Popen:
    """`xinyong serve` with one worker, once it accepts connections."""
    process = subprocess.Popen(
        [sys.executable, "-m", "xinyong.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    _wait_for_line(process.stdout, "Started worker", timeout=30)
    _wait_until_accepting(port, timeout=30)
    return process


@pytest.mark.slow  # starts the server in a subprocess
def test_serve_runs_the_production_server(tmp_path):
    port = _free_port()
    env = {**os.environ, "XINYONG_DATA_DIR": str(tmp_path), "XINYONG_DATABASE_URL": ""}
    process = _start_server(port, env)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/identifiers/914403001922038216") as r:
            assert r.status == 200 and json.loads(r.read())["valid"] is True
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as r:
            assert "信用信息一站式查询" in r.read().decode()
            assert r.headers.get("server") == "granian"  # the production server, not a development one
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.mark.slow  # starts and stops the server, runs the CLI
def test_a_stopped_server_writes_the_checks_it_still_holds(tmp_path):
    """Check rows wait in a worker's queue behind their answers; stopping the server must write them
    (server workers skip `atexit`: `core.lifecycle`). The queue delay is set far beyond the test."""
    env = {
        **os.environ,
        "XINYONG_DATA_DIR": str(tmp_path),
        "XINYONG_DATABASE_URL": "",
        "XINYONG_CHECK_WRITE_DELAY_MS": "600000",
        "DJANGO_SETTINGS_MODULE": "xinyong.settings",  # the test settings store every check at once
    }

    def cli(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "xinyong.cli", *args], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    cli("migrate", "--verbosity", "0")
    cli("user", "create", "cz", "--department", "CZ", "--department-name", "区财政局", "--role", "implementer")
    token = cli("token", "create", "cz").split()[-1]
    port = _free_port()
    process = _start_server(port, env)
    try:
        body = json.dumps({"subject": "914403001922038216", "matter": "government_procurement"}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/checks",
            data=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as response:
            number = json.loads(response.read())["check_id"]
        database = sqlite3.connect(tmp_path / "xinyong.sqlite3")
        assert database.execute("SELECT count(*) FROM checks_check").fetchone()[0] == 0  # still queued
    finally:
        process.terminate()
        process.wait(timeout=30)
    stored = database.execute("SELECT number FROM checks_check").fetchall()
    assert stored == [(number,)]
