#!/usr/bin/env bash
# Quick start 2: install, lint, check migrations, and run the whole test suite on SQLite and on
# PostgreSQL. Under CI=true a missing PostgreSQL is a failure, not a skip.
# Extra arguments go to pytest (e.g. -k calendar).
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh test || exit 1
# shellcheck disable=SC1091
source .venv/bin/activate

XINYONG_DATA_DIR="$(mktemp -d -t xinyong-ci-XXXXXX)"
export XINYONG_DATA_DIR
export XINYONG_SECRET_KEY="${XINYONG_SECRET_KEY:-test-only-secret-not-for-production}"
PG_URL="${XINYONG_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}"
status=0

step() { echo; echo "==> $*"; }

step "ruff"
ruff check . && ruff format --check . || status=1

step "lint-imports (the layers: an app imports only the apps below it)"
lint-imports --no-cache || status=1

# Types of core, the services, selectors and API modules ([tool.mypy] in pyproject.toml); the cache in
# .mypy_cache makes a second run take seconds.
step "mypy"
mypy || status=1

step "makemigrations --check"
XINYONG_DATABASE_URL="" xinyong makemigrations --check --dry-run || status=1

run_suite() {
    local label=$1; shift
    step "pytest on $label"
    COVERAGE_FILE="$XINYONG_DATA_DIR/coverage-$label" pytest -n 2 -q --cov=xinyong --cov-report= "$@"
    local rc=$?
    if [ $rc -eq 5 ]; then
        echo "pytest collected no tests on $label (exit 5)"; rc=0
    fi
    echo "line coverage on $label: $(COVERAGE_FILE="$XINYONG_DATA_DIR/coverage-$label" coverage report --format=total)%"
    [ $rc -eq 0 ] || status=1
}

postgres_ready() {
    pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && return 0
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
        echo "PostgreSQL is stopped; starting it"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
        for _ in $(seq 1 30); do
            pg_isready -q -h 127.0.0.1 -p 5432 && return 0
            sleep 1  # bounded wait (30 s at most) for the server to accept connections
        done
    fi
    return 1
}

XINYONG_DATABASE_URL="" run_suite "SQLite" "$@"

if postgres_ready; then
    XINYONG_DATABASE_URL="$PG_URL" run_suite "PostgreSQL" "$@"
elif [ "${CI:-}" = "true" ]; then
    echo "PostgreSQL is required under CI=true but is not reachable at 127.0.0.1:5432"; status=1
else
    echo "PostgreSQL not reachable at 127.0.0.1:5432: skipped (under CI=true this fails)"
fi

echo
[ $status -eq 0 ] && echo "ALL CHECKS PASSED" || echo "SOME CHECKS FAILED"
exit $status
