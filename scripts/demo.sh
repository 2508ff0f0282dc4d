#!/usr/bin/env bash
# Quick start 1: install, create the demo database (SQLite in the data directory), load demo data,
# print the URL and credentials, and serve on http://127.0.0.1:8000. Extra arguments go to
# `xinyong demo` (e.g. --port 8080, --no-serve).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/xinyong demo "$@"
