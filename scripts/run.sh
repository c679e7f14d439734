#!/usr/bin/env bash
# Set up, migrate, load demo data, and serve the production build on http://localhost:${PORT:-3000}.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh
. scripts/env.sh
python -m lms_app.manage prepare
echo "==> Building and serving on http://localhost:${PORT:-3000} (first build takes a minute or two)"
exec reflex run --env prod --single-port --frontend-port "${PORT:-3000}" --loglevel "${LMS_LOG_LEVEL:-info}"
