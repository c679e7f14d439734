#!/usr/bin/env bash
# Serve the production build for bench/player_load.py and bench/player_bytes.py: its own port,
# data directory and build directory (.web-bench), one worker, no Redis, no demo data.
#
#   bench/player_server.sh                       # http://127.0.0.1:3317, SQLite in /tmp/bench-player-data
#   PORT=3400 LMS_BENCH_DATA_DIR=/tmp/x LMS_BENCH_WEB_DIR=$PWD/.web-bench2 bench/player_server.sh
#   LMS_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_player bench/player_server.sh
#
# Runs in the foreground (Ctrl-C stops it). The load script writes its learners into the same
# database: pass it the same --database-url (default: the SQLite file below).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. scripts/env.sh
PORT="${PORT:-3317}"
DATA="${LMS_BENCH_DATA_DIR:-/tmp/bench-player-data}"
DB_URL="${LMS_DATABASE_URL:-sqlite:///$DATA/lms.db}"
WEB="${LMS_BENCH_WEB_DIR:-$ROOT/.web-bench}"
LOG_LEVEL="${LMS_LOG_LEVEL:-warning}"
mkdir -p "$DATA"
# Nothing of the caller's LMS_*/Redis settings leaks in (same idea as tests/e2e/conftest.py).
for name in $(env | grep -o '^LMS_[A-Z_]*' || true); do unset "$name"; done
unset REFLEX_REDIS_URL
export LMS_ENV=test LMS_DATA_DIR="$DATA" LMS_DATABASE_URL="$DB_URL" LMS_DEMO_DATA=false LMS_BCRYPT_COST=4 \
  LMS_COOKIE_SECURE=false REFLEX_WEB_WORKDIR="$WEB" REFLEX_STATES_WORKDIR="$DATA/states" \
  REFLEX_UPLOADED_FILES_DIR="$DATA/uploaded_files" PYTHONUNBUFFERED=1
python -m lms_app.manage prepare
echo "==> bench server on http://127.0.0.1:$PORT (database $DB_URL)"
exec reflex run --env prod --single-port --frontend-port "$PORT" --loglevel "$LOG_LEVEL"
