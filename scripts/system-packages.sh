#!/usr/bin/env bash
# Debian packages the portal needs beyond Python: chromium (browser test, screenshots),
# fonts-wqy-zenhei (the Chinese font embedded in credit reports) and poppler-utils (pdftotext in tests).
# Installs only what is missing; without root it says what to install and goes on.
set -euo pipefail

PACKAGES=(chromium fonts-wqy-zenhei poppler-utils)

missing=()
for package in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        echo "缺少系统软件包：${missing[*]}；请以 root 运行：apt-get install -y ${missing[*]}" >&2
        exit 0
    fi
else
    SUDO=()
fi

export DEBIAN_FRONTEND=noninteractive
echo "安装系统软件包：${missing[*]}"
"${SUDO[@]}" apt-get update -qq >/dev/null || true
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
