#!/usr/bin/env bash
# Develop with hot reload: set up, migrate, load demo data, and run `reflex run` in dev mode on
# http://localhost:${PORT:-3000}. The backend takes ${BACKEND_PORT:-8000}, or the next free port
# when BACKEND_PORT is unset; Vite forwards /api/ and /media/ to it (lms_app/core/dev_proxy.py), so
# signing in and every page behind it work as in production. Save a .py file: the open tab updates.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh --dev   # the test tools too: pytest and Playwright belong to the dev loop
. scripts/env.sh
python -m lms_app.manage prepare
echo "==> Dev server with hot reload on http://localhost:${PORT:-3000} (first start takes a minute or two)"
exec reflex run --env dev --frontend-port "${PORT:-3000}" ${BACKEND_PORT:+--backend-port "$BACKEND_PORT"} \
  --loglevel "${LMS_LOG_LEVEL:-info}"
