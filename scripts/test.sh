#!/usr/bin/env bash
# The test command. Runs every pass, then prints a summary and exits non-zero if any failed:
#   1. tests/unit tests/state tests/security on SQLite
#   2. the same on PostgreSQL, when LMS_TEST_DATABASE_URL is set (CI sets it)
#   2b. tests/deploy: two app workers + Redis behind nginx, on that PostgreSQL (skipped otherwise)
#   3. tests/e2e: Playwright + Chromium against a fresh production build on a free port
#   4. docker image (when CI=true or LMS_DOCKER_TEST=1): scripts/docker-check.sh builds the image
#      (base image pulled, or built with debootstrap), starts it read-only in production mode and
#      checks health, sign-in through the API and a course page
# The example plugins (examples/plugins/*) are installed into the virtualenv first, so every pass
# runs with them enabled; their own tests run in passes 1 and 2 too.
#
# Usage: scripts/test.sh [extra pytest args]      e.g. scripts/test.sh -x -k login
# Environment:
#   LMS_TEST_DATABASE_URL   postgresql+psycopg://user@host:5432/db for the PostgreSQL pass
#   LMS_SKIP_E2E=1          skip the browser pass (e.g. no Chromium and no way to install it)
#   LMS_E2E_CHROMIUM        browser executable (default /usr/bin/chromium)
#   LMS_DOCKER_TEST=1       run the docker image pass outside CI; LMS_SKIP_DOCKER=1 skips it
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/setup.sh --dev || { echo "scripts/setup.sh --dev failed" >&2; exit 1; }
. scripts/env.sh
PY="$VENV/bin/python"
ARTIFACTS="$ROOT/test-artifacts"
mkdir -p "$ARTIFACTS"

CHROMIUM="${LMS_E2E_CHROMIUM:-/usr/bin/chromium}"
if [ "${LMS_SKIP_E2E:-0}" != "1" ] && [ ! -x "$CHROMIUM" ]; then
  echo "==> Chromium not found at $CHROMIUM: installing Debian's chromium"
  SUDO=""
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
  fi
  if [ "$SUDO" != "none" ] && command -v apt-get >/dev/null 2>&1; then
    $SUDO apt-get update -qq \
      && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium </dev/null \
      || echo "apt-get could not install chromium" >&2
  fi
  if [ ! -x "$CHROMIUM" ]; then
    echo "Chromium is needed for the browser tests and could not be installed (needs apt-get and root or" >&2
    echo "password-less sudo). Install it (apt-get install chromium), point LMS_E2E_CHROMIUM at one, or run" >&2
    echo "with LMS_SKIP_E2E=1 to skip the browser tests." >&2
    exit 1
  fi
fi

declare -a SUMMARY=()
FAILED=0
PASS_DB_URL=""

has_tests() {  # does this directory hold any test files?
  [ -d "$1" ] && [ -n "$(find "$1" -type f \( -name 'test_*.py' -o -name '*_test.py' \) -print -quit)" ]
}

# run_pass LABEL JUNIT_NAME DIR... -- [pytest args]   (database: $PASS_DB_URL, empty = SQLite)
run_pass() {
  local label="$1" junit="$2"; shift 2
  local dirs=() d
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    if has_tests "$1"; then dirs+=("$1"); else echo "    ($1 has no tests yet)"; fi
    shift
  done
  [ "${1:-}" = "--" ] && shift
  if [ ${#dirs[@]} -eq 0 ]; then
    SUMMARY+=("no tests yet  $label")
    return 0
  fi
  local started=$SECONDS code
  if [ -n "$PASS_DB_URL" ]; then
    LMS_TEST_DATABASE_URL="$PASS_DB_URL" "$PY" -m pytest "${dirs[@]}" --junitxml="$ARTIFACTS/junit-$junit.xml" "$@"
  else
    env -u LMS_TEST_DATABASE_URL "$PY" -m pytest "${dirs[@]}" --junitxml="$ARTIFACTS/junit-$junit.xml" "$@"
  fi
  code=$?
  local took=$((SECONDS - started))s
  if [ $code -eq 0 ]; then
    SUMMARY+=("passed        $label ($took)")
  elif [ $code -eq 5 ] && [ $# -gt 0 ]; then
    # Extra arguments (-k, a node id...) may select nothing from this pass: that is not a failure.
    SUMMARY+=("none selected $label ($took)")
  else
    SUMMARY+=("FAILED        $label (pytest exit $code, $took)")
    FAILED=1
  fi
}

# Install each example plugin (editable) once per version of its pyproject.toml.
declare -a PLUGINS=()
for dir in examples/plugins/*/; do
  dir="${dir%/}"
  [ -f "$dir/pyproject.toml" ] || continue
  name="$(basename "$dir")"
  stamp="$VENV/.installed-plugin-$name-$(sha256sum "$dir/pyproject.toml" | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "==> Installing the example plugin $name"
    if ! "$PY" -m pip install --quiet --disable-pip-version-check -e "$dir"; then
      echo "Could not install $dir" >&2; exit 1
    fi
    rm -f "$VENV/.installed-plugin-$name-"*
    touch "$stamp"
  fi
  PLUGINS+=("$dir")
done

UNIT_DIRS=(tests/unit tests/state tests/security)
PG_URL="${LMS_TEST_DATABASE_URL:-}"

# plugin_passes DB_LABEL JUNIT_SUFFIX -- [pytest args]: each example plugin's own tests.
plugin_passes() {
  local db="$1" suffix="$2"; shift 3
  local dir
  for dir in "${PLUGINS[@]}"; do
    run_pass "plugin $(basename "$dir") on $db" "plugin-$(basename "$dir")-$suffix" "$dir/tests" -- "$@"
  done
}

echo
echo "==> Pass 1: ${UNIT_DIRS[*]} and the example plugins' tests on SQLite"
PASS_DB_URL="" run_pass "unit/state/security on SQLite" sqlite "${UNIT_DIRS[@]}" -- "$@"
PASS_DB_URL="" plugin_passes SQLite sqlite -- "$@"

if [ -n "$PG_URL" ]; then
  echo
  echo "==> Pass 2: ${UNIT_DIRS[*]} and the example plugins' tests on PostgreSQL (${PG_URL##*@})"
  PASS_DB_URL="$PG_URL" run_pass "unit/state/security on PostgreSQL (${PG_URL##*@})" postgres \
    "${UNIT_DIRS[@]}" -- "$@"
  PASS_DB_URL="$PG_URL" plugin_passes PostgreSQL postgres -- "$@"
else
  SUMMARY+=("skipped       unit/state/security on PostgreSQL (set LMS_TEST_DATABASE_URL)")
fi

# Pass 2b (issue 16): two app workers sharing PostgreSQL + Redis behind a real nginx
# (tests/deploy, deploy/nginx.conf). Only on PostgreSQL; the test skips itself, saying why, when
# Redis is missing (LMS_DEPLOY_REDIS_URL, default redis://127.0.0.1:6379/12).
if [[ "$PG_URL" == postgresql* ]]; then
  if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    echo "==> nginx not found: installing Debian's nginx (tests/deploy runs it as a child process)"
    if [ "$(id -u)" = "0" ]; then NGINX_SUDO=""; elif sudo -n true 2>/dev/null; then NGINX_SUDO="sudo -n"; else NGINX_SUDO="none"; fi
    if [ "$NGINX_SUDO" != "none" ] && command -v apt-get >/dev/null 2>&1; then
      $NGINX_SUDO apt-get update -qq \
        && $NGINX_SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx </dev/null \
        || echo "apt-get could not install nginx" >&2
    fi
  fi
  echo
  echo "==> Pass 2b: tests/deploy (two workers behind nginx) on PostgreSQL (${PG_URL##*@}) + Redis"
  PASS_DB_URL="$PG_URL" run_pass "several workers behind nginx (tests/deploy) on PostgreSQL + Redis" deploy \
    tests/deploy -- "$@"
else
  SUMMARY+=("skipped       several workers behind nginx (tests/deploy): needs LMS_TEST_DATABASE_URL on PostgreSQL")
fi

if [ "${LMS_SKIP_E2E:-0}" = "1" ]; then
  SUMMARY+=("skipped       browser tests (LMS_SKIP_E2E=1)")
else
  echo
  echo "==> Pass 3: tests/e2e in Chromium against a fresh production build"
  PASS_DB_URL="" run_pass "browser tests (tests/e2e)" e2e tests/e2e -- "$@"
fi

if [ "${LMS_SKIP_DOCKER:-0}" = "1" ]; then
  SUMMARY+=("skipped       docker image (LMS_SKIP_DOCKER=1)")
elif [ "${CI:-}" = "true" ] || [ "${LMS_DOCKER_TEST:-0}" = "1" ]; then
  echo
  echo "==> Pass 4: docker image (build, start read-only in production mode, sign in, a course page)"
  docker_started=$SECONDS
  if PY="$PY" scripts/docker-check.sh; then
    SUMMARY+=("passed        docker image ($((SECONDS - docker_started))s)")
  else
    SUMMARY+=("FAILED        docker image ($((SECONDS - docker_started))s; logs in test-artifacts/docker/)")
    FAILED=1
  fi
else
  SUMMARY+=("skipped       docker image (CI=true or LMS_DOCKER_TEST=1 runs it)")
fi

echo
echo "==> Summary"
for line in "${SUMMARY[@]}"; do echo "    $line"; done
if [ $FAILED -ne 0 ]; then
  echo "Some passes failed. Browser failures leave screenshots and the server log in test-artifacts/e2e/." >&2
  exit 1
fi
echo "All passes succeeded."
