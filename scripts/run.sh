#!/usr/bin/env bash
# Set up, migrate, load demo data, and serve the production build on http://localhost:${PORT:-3000}.
# The job worker (e-mail, periodic jobs) runs in the background next to the server and stops with it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh
. scripts/env.sh
python -m lms_app.manage prepare
echo "==> Starting the job worker (python -m lms_app.manage worker)"
python -m lms_app.manage worker &
WORKER_PID=$!
stop_worker() {
  if kill -0 "$WORKER_PID" 2>/dev/null; then
    kill -TERM "$WORKER_PID" 2>/dev/null || true   # Huey finishes the jobs it is running, then exits
    wait "$WORKER_PID" 2>/dev/null || true
  fi
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
echo "==> Building and serving on http://localhost:${PORT:-3000} (first build takes a minute or two)"
reflex run --env prod --single-port --frontend-port "${PORT:-3000}" --loglevel "${LMS_LOG_LEVEL:-info}"
