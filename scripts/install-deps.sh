#!/usr/bin/env bash
# Installs what whatmatters needs from Debian's packages and the Go module
# proxy, only what is missing. `run` is what building and serving need;
# `check` adds what the tests need.
set -euo pipefail
mode=${1:-run}
cd "$(dirname "$0")/.."
command -v go >/dev/null 2>&1 || export PATH="$PATH:/usr/local/go/bin"

need=(gcc pkg-config coinor-libclp-dev)
if [ "$mode" = check ]; then
  need+=(postgresql chromium glpk-utils sqlite3 poppler-utils)
fi

missing=()
for p in "${need[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "whatmatters needs these Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$mode" = check ] && [ ! -x bin/staticcheck ]; then
  echo "Installing staticcheck"
  GOBIN="$(pwd)/bin" go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
fi
