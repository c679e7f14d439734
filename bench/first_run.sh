#!/usr/bin/env bash
# Time from a fresh clone to the app serving, then a second start of the same clone.
#
#   bench/first_run.sh [--cold-caches] [--keep] [--timeout SECONDS] [--source DIR]
#
# 1. git clone DIR (default: this repository; committed HEAD only, not the work tree) into a
#    temp dir; the clone gets its own fresh .venv and data/ (nothing shared with DIR).
# 2. Runs the clone's scripts/run.sh (the README's run command) with PORT=<free port> in its own
#    process group, polls http://127.0.0.1:PORT/ping until it answers "pong": prints seconds.
# 3. Stops it, starts scripts/run.sh again in the same clone: prints seconds to serving.
# 4. Stops everything it started (the whole process group and any stray descendant), even on
#    failure or Ctrl-C, and deletes the clone unless --keep.
#
# Package caches: by default the user's pip/npm/bun caches are used as they are (often warm).
# --cold-caches points pip, npm, bun and Reflex at empty directories inside the temp dir, so
# every package is fetched again (pip's machine-wide find-links/index settings still apply).
# Prints figures; it is not a pass/fail test (exit 1 only when the app never served).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SOURCE="$HERE"
KEEP=0
COLD=0
TIMEOUT=1500
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) KEEP=1 ;;
    --cold-caches) COLD=1 ;;
    --timeout) TIMEOUT="$2"; shift ;;
    --source) SOURCE="$2"; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/lms-first-run.XXXXXX")"
CLONE="$WORK/lms"
APP_PID=""

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

descendants() {  # all descendants of a pid, deepest last
  local kid
  for kid in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$kid"
    descendants "$kid"
  done
}

stop_app() {
  [ -n "$APP_PID" ] || return 0
  local pids
  pids="$APP_PID $(descendants "$APP_PID" | tr '\n' ' ')"
  kill -TERM -- "-$APP_PID" 2>/dev/null          # the process group run.sh leads
  kill -TERM $pids 2>/dev/null                    # and anything that left the group
  for _ in $(seq 1 40); do                        # up to 10 s to exit cleanly
    local alive=0
    for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.25
  done
  kill -KILL -- "-$APP_PID" 2>/dev/null
  kill -KILL $pids 2>/dev/null
  wait "$APP_PID" 2>/dev/null
  APP_PID=""
}

cleanup() {
  stop_app
  if [ "$KEEP" = 1 ]; then
    echo "(kept $WORK)"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 - <<'EOF'
import socket
for _ in range(50):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    if port not in (3000, 3001, 8000):
        print(port)
        break
EOF
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A clean environment, like a new shell: none of this session's LMS_/REFLEX_ settings or venv.
for v in $(compgen -e | grep -E '^(LMS_|REFLEX_)' || true); do unset "$v"; done
unset VIRTUAL_ENV PYTHONHOME
PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e '/\.venv/bin$' | paste -sd: -)"
export PATH

if [ "$COLD" = 1 ]; then
  mkdir -p "$WORK/cache"
  export PIP_CACHE_DIR="$WORK/cache/pip" NPM_CONFIG_CACHE="$WORK/cache/npm" \
         BUN_INSTALL_CACHE_DIR="$WORK/cache/bun" REFLEX_DIR="$WORK/cache/reflex"
fi

# Run one start of the clone; sets ELAPSED (seconds to pong) and SETUP_DONE (seconds until
# run.sh printed its "Building and serving" line, i.e. setup + migrate + seed done).
start_and_wait() {  # $1 = label, $2 = log file
  local label="$1" log="$2" t0 t_setup="" port
  port="$(free_port)"
  PORT_USED="$port"
  echo "--> $label: scripts/run.sh with PORT=$port (log: $log)"
  t0="$(now)"
  (cd "$CLONE" && PORT="$port" exec setsid scripts/run.sh) >"$log" 2>&1 </dev/null &
  APP_PID=$!
  while :; do
    if [ -z "$t_setup" ] && grep -q '==> Building and serving' "$log" 2>/dev/null; then
      t_setup="$(now)"
    fi
    if curl -fsS --max-time 2 "http://127.0.0.1:$port/ping" 2>/dev/null | grep -q pong; then
      break
    fi
    if ! kill -0 "$APP_PID" 2>/dev/null; then
      echo "    FAILED: scripts/run.sh exited before serving. Last lines of the log:"
      grep -v 'WARNING: Location' "$log" | tail -n 40 | sed 's/^/    | /'
      return 1
    fi
    if [ "$(secs "$t0" "$(now)" | cut -d. -f1)" -ge "$TIMEOUT" ]; then
      echo "    FAILED: not serving after ${TIMEOUT}s. Last lines of the log:"
      grep -v 'WARNING: Location' "$log" | tail -n 40 | sed 's/^/    | /'
      return 1
    fi
    sleep 0.5
  done
  ELAPSED="$(secs "$t0" "$(now)")"
  SETUP_DONE="${t_setup:+$(secs "$t0" "$t_setup")}"
  echo "    serving after ${ELAPSED}s (setup+migrate+seed done at ${SETUP_DONE:-?}s, build+start the rest)"
}

echo "First-run benchmark"
echo "  source      : $SOURCE @ $(git -C "$SOURCE" rev-parse --short HEAD 2>/dev/null || echo '?') (committed HEAD only)"
if [ -n "$(git -C "$SOURCE" status --porcelain 2>/dev/null)" ]; then
  echo "  note        : the source work tree has uncommitted/untracked changes; the clone does not include them"
fi
echo "  python3     : $(command -v python3) ($(python3 --version 2>&1))"
echo "  cpus        : $(nproc)"
if [ "$COLD" = 1 ]; then
  echo "  caches      : COLD (empty pip/npm/bun/Reflex caches under $WORK/cache)"
else
  du_of() { [ -e "$1" ] && du -sh "$1" 2>/dev/null | cut -f1 || echo "absent"; }
  echo "  caches      : as found (may be warm): pip $(du_of "$(python3 -m pip cache dir 2>/dev/null || echo ~/.cache/pip)")," \
       "npm $(du_of ~/.npm), bun $(du_of "${BUN_INSTALL_CACHE_DIR:-$HOME/.bun/install/cache}")"
fi
pip_cfg="$(python3 -m pip config list 2>/dev/null | grep -E 'find-links|index-url' | tr '\n' ' ')"
[ -n "$pip_cfg" ] && echo "  pip config  : $pip_cfg(local wheel sources make installs faster than on a bare machine)"

t_clone0="$(now)"
if ! git clone --quiet "$SOURCE" "$CLONE"; then
  echo "git clone failed" >&2
  exit 1
fi
CLONE_S="$(secs "$t_clone0" "$(now)")"
echo "--> git clone: ${CLONE_S}s ($(git -C "$CLONE" log -1 --format='%h %s' | cut -c1-70))"
for f in scripts/run.sh requirements.txt tools/bun/package-lock.json reflex.lock; do
  [ -e "$CLONE/$f" ] || echo "    WARNING: the clone has no $f"
done

status=0
if start_and_wait "first run (fresh venv, install, migrate, seed, build)" "$WORK/run1.log"; then
  FIRST="$ELAPSED"; FIRST_SETUP="$SETUP_DONE"
  stop_app
  for _ in $(seq 1 40); do port_busy "$PORT_USED" || break; sleep 0.25; done
  if start_and_wait "second run (same clone)" "$WORK/run2.log"; then
    SECOND="$ELAPSED"; SECOND_SETUP="$SETUP_DONE"
  else
    status=1
  fi
  stop_app
else
  status=1
fi

echo
echo "Results"
echo "  git clone                         : ${CLONE_S}s"
fmt() { [ -n "$1" ] && echo "${1}s  (setup+migrate+seed ${2:-?}s)" || echo "FAILED"; }
echo "  first run  -> /ping answers pong  : $(fmt "${FIRST:-}" "${FIRST_SETUP:-}")"
echo "  second run -> /ping answers pong  : $(fmt "${SECOND:-}" "${SECOND_SETUP:-}")"
if [ -n "${FIRST:-}" ]; then
  echo "  fresh clone to serving (total)    : $(awk -v a="$CLONE_S" -v b="$FIRST" 'BEGIN { printf "%.1f", a + b }')s"
fi
exit $status
