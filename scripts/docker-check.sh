#!/usr/bin/env bash
# Builds the production image and proves it starts: scripts/test.sh's "docker image" pass.
#   1. Docker: installs Debian's docker.io when missing (root or password-less sudo) and starts
#      dockerd when no daemon answers;
#   2. the base image: python:3.11-slim-bookworm, or a local debootstrap build without Docker Hub
#      (scripts/docker-base.sh; built once, then reused);
#   3. builds the app image (Dockerfile) on it;
#   4. starts it in production mode on SQLite, read-only root filesystem, data in a volume, /tmp a
#      tmpfs, on a free port; waits for /api/health (database + job queue) and Docker's "healthy";
#   5. scripts/docker_smoke.py: non-root, read-only, no Node/bun; create-admin, sign-in through
#      POST /api/v1/auth/token, a course made through the services listed, detailed and its
#      page served;
#   6. removes the container and its volume (also on failure). The image stays as build cache.
# Prints the build time, image size and start-to-healthy time. Logs: test-artifacts/docker/.
# Environment: LMS_DOCKER_IMAGE (tag, default lms-app:check); LMS_BASE_LOCAL=1 (skip the pull);
#   LMS_BUILD_CA_FILE: extra CA bundle for the build (default $PIP_CERT or $SSL_CERT_FILE).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ART="$ROOT/test-artifacts/docker"
mkdir -p "$ART"
IMAGE="${LMS_DOCKER_IMAGE:-lms-app:check}"
PY="${PY:-python3}"
say() { echo "docker check: $*"; }
started_all=$SECONDS

SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
fi

# 1. Docker client and daemon.
if ! command -v docker >/dev/null 2>&1 || { ! docker info >/dev/null 2>&1 && ! command -v dockerd >/dev/null 2>&1; }; then
  if [ "$SUDO" = "none" ] || ! command -v apt-get >/dev/null 2>&1; then
    say "Docker is missing and cannot be installed here (needs apt-get and root or password-less sudo);"
    say "install docker.io or run with LMS_SKIP_DOCKER=1"; exit 1
  fi
  say "installing Debian's docker.io"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io </dev/null >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  if [ "$SUDO" = "none" ]; then
    say "no Docker daemon answers and dockerd cannot be started without root"; exit 1
  fi
  say "starting dockerd (log: $ART/dockerd.log)"
  $SUDO sh -c "nohup dockerd >'$ART/dockerd.log' 2>&1 &"
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { say "dockerd did not start: see $ART/dockerd.log"; exit 1; }
fi
# A Docker CLI without the buildx plugin cannot use BuildKit: use the classic builder then
# (the Dockerfile needs nothing BuildKit-only).
if [ -z "${DOCKER_BUILDKIT:-}" ] && ! docker buildx version >/dev/null 2>&1; then export DOCKER_BUILDKIT=0; fi

# 2-3. Base image and app image.
t=$SECONDS
BASE="$(scripts/docker-base.sh | tail -n1)"
base_took=$((SECONDS - t))
# Behind a TLS-inspecting proxy the build trusts what this machine trusts (Dockerfile step 0).
CA_FILE="${LMS_BUILD_CA_FILE:-${PIP_CERT:-${SSL_CERT_FILE:-}}}"
rm -rf .build-ca
if [ -n "$CA_FILE" ] && [ -f "$CA_FILE" ]; then mkdir -p .build-ca && cp "$CA_FILE" .build-ca/host.crt; fi
t=$SECONDS
say "building $IMAGE on $BASE (log: $ART/build.log)"
if ! docker build --build-arg BASE_IMAGE="$BASE" -t "$IMAGE" . >"$ART/build.log" 2>&1; then
  tail -n 40 "$ART/build.log"; say "docker build failed"; exit 1
fi
build_took=$((SECONDS - t))
rm -rf .build-ca
size_mb="$(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f", $1/1e6}')"

# 4. Start it like production: read-only root, data in a volume, scratch in a tmpfs.
PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
NAME="lms-check-$$"
VOLUME="lms-check-data-$$"
cleanup() {
  docker logs "$NAME" >"$ART/container.log" 2>&1 || true
  docker rm -f "$NAME" >/dev/null 2>&1 || true
  docker volume rm "$VOLUME" >/dev/null 2>&1 || true
}
trap cleanup EXIT
secret() { "$PY" -c 'import secrets; print(secrets.token_urlsafe(48))'; }
docker volume create "$VOLUME" >/dev/null
t_start="$("$PY" -c 'import time; print(time.time())')"
docker run -d --name "$NAME" --init --read-only --tmpfs /tmp -v "$VOLUME:/app/data" \
  -p "127.0.0.1:$PORT:3000" \
  -e LMS_SECRET_KEY="$(secret)" -e LMS_WEBHOOK_SECRET="$(secret)" -e LMS_PAYMENT_GATEWAY=webhook \
  -e LMS_PUBLIC_URL="http://127.0.0.1:$PORT" -e LMS_ALLOWED_ORIGINS="http://127.0.0.1:$PORT" \
  "$IMAGE" >/dev/null
healthy_after="$("$PY" - "$PORT" "$t_start" <<'EOF'
import sys, time, urllib.request
port, t0 = sys.argv[1], float(sys.argv[2])
while time.time() - t0 < 120:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
            if r.status == 200:
                print(f"{time.time() - t0:.1f}"); break
    except Exception:
        time.sleep(0.1)
else:
    print("timeout")
EOF
)"
if [ "$healthy_after" = "timeout" ]; then
  docker logs "$NAME" 2>&1 | tail -n 40; say "/api/health did not answer 200 within 120 s"; exit 1
fi
for _ in $(seq 1 60); do
  state="$(docker inspect -f '{{.State.Health.Status}}' "$NAME")"
  [ "$state" = "healthy" ] && break
  [ "$(docker inspect -f '{{.State.Running}}' "$NAME")" = "true" ] || break
  sleep 0.5
done
docker_healthy_after="$("$PY" -c "import time; print(f'{time.time() - $t_start:.1f}')")"
if [ "$state" != "healthy" ]; then
  docker logs "$NAME" 2>&1 | tail -n 40; say "Docker's health check says: $state"; exit 1
fi

# 5. What a user does first.
"$PY" scripts/docker_smoke.py --container "$NAME" --url "http://127.0.0.1:$PORT"

say "base image $((base_took))s, build ${build_took}s, image ${size_mb} MB, /api/health 200 after ${healthy_after}s" \
    "(Docker: healthy after ${docker_healthy_after}s), whole check $((SECONDS - started_all))s"
