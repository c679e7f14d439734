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
# Hot reload watches the checkout. Leave out the data folder (the SQLite database's -wal/-shm files
# change on every write, and a restart in the middle of a sign-in hangs it), and watch the source
# folders of installed plugins that live outside the checkout (editable installs).
WATCH="$(python - <<'PY'
import importlib.util
from pathlib import Path

from lms_app.core import plugins
from lms_app.core.settings import PROJECT_ROOT, get_settings

print(get_settings().data_dir)
dirs = set()
for row in plugins.installed():
    spec = importlib.util.find_spec(row["module"].split(".")[0]) if row["module"] else None
    if spec and spec.origin:
        folder = Path(spec.origin).resolve().parent
        if PROJECT_ROOT not in folder.parents and ".venv" not in folder.parts and "site-packages" not in folder.parts:
            dirs.add(str(folder))
print(":".join(sorted(dirs)))
PY
)"
DATA_DIR="$(echo "$WATCH" | sed -n 1p)"
PLUGIN_DIRS="$(echo "$WATCH" | sed -n 2p)"
export REFLEX_HOT_RELOAD_EXCLUDE_PATHS="${REFLEX_HOT_RELOAD_EXCLUDE_PATHS:+$REFLEX_HOT_RELOAD_EXCLUDE_PATHS:}$DATA_DIR"
if [ -n "$PLUGIN_DIRS" ]; then
  export REFLEX_HOT_RELOAD_INCLUDE_PATHS="${REFLEX_HOT_RELOAD_INCLUDE_PATHS:+$REFLEX_HOT_RELOAD_INCLUDE_PATHS:}$PLUGIN_DIRS"
  echo "==> Also watching installed plugins: $PLUGIN_DIRS"
fi
echo "==> Dev server with hot reload on http://localhost:${PORT:-3000} (first start takes a minute or two)"
exec reflex run --env dev --frontend-port "${PORT:-3000}" ${BACKEND_PORT:+--backend-port "$BACKEND_PORT"} \
  --loglevel "${LMS_LOG_LEVEL:-info}"
