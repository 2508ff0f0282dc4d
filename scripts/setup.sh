#!/usr/bin/env bash
# Install everything Xinyong needs into ./.venv from the pinned pyproject.toml.
#   scripts/setup.sh         runtime only (demo, serve)
#   scripts/setup.sh test    runtime + test tools
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh  # chromium, fonts-wqy-zenhei, poppler-utils (Debian), only when missing

extras=""
[ "${1:-}" = "test" ] && extras="[test]"

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
# pip's own chatter about unreachable mirror folders on these machines is noise, not an error.
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}" 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" || true
.venv/bin/python -c "import importlib.util as u, sys; sys.exit(any(u.find_spec(m) is None for m in ('xinyong', 'django', 'ninja', 'granian')))" \
    || { echo "安装失败：依赖未能导入" >&2; exit 1; }
