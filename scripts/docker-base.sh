#!/usr/bin/env bash
# The Python base image for the Dockerfile (its BASE_IMAGE build argument), on any machine:
#   1. python:3.11-slim-bookworm when it is already here or Docker Hub answers a pull;
#   2. otherwise a local image made with debootstrap from the Debian mirror: Debian bookworm
#      (minbase) + Debian's python3 (3.11), python3-venv and ca-certificates, tagged
#      lms-python-base:bookworm. Built once; reused while this script is unchanged.
# Prints the image to use on its last line of stdout (everything else goes to stderr):
#   docker build --build-arg BASE_IMAGE="$(scripts/docker-base.sh)" -t lms-app .
# Environment:
#   LMS_BASE_IMAGE          the upstream image to try first (default python:3.11-slim-bookworm)
#   LMS_BASE_LOCAL=1        skip the pull and use (or build) the local image
#   LMS_BASE_LOCAL_TAG      tag of the local image (default lms-python-base:bookworm)
#   LMS_DEBIAN_MIRROR       Debian mirror for debootstrap (default: the first deb.debian.org-style
#                           URI of this machine's apt sources, else http://deb.debian.org/debian)
#   LMS_BASE_PULL_TIMEOUT   seconds to wait for the pull (default 60)
# Needs root (or password-less sudo) only to build the local image: debootstrap is installed
# with apt-get when missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UPSTREAM="${LMS_BASE_IMAGE:-python:3.11-slim-bookworm}"
LOCAL_TAG="${LMS_BASE_LOCAL_TAG:-lms-python-base:bookworm}"
DOCKER="${DOCKER:-docker}"
say() { echo "docker-base: $*" >&2; }

if [ "${LMS_BASE_LOCAL:-0}" != "1" ]; then
  if "$DOCKER" image inspect "$UPSTREAM" >/dev/null 2>&1; then
    say "using $UPSTREAM (already here)"; echo "$UPSTREAM"; exit 0
  fi
  if timeout "${LMS_BASE_PULL_TIMEOUT:-60}" "$DOCKER" pull -q "$UPSTREAM" >&2 2>/dev/null; then
    say "using $UPSTREAM (pulled)"; echo "$UPSTREAM"; exit 0
  fi
  say "cannot pull $UPSTREAM: using the local base image (debootstrap)"
fi

# The recipe's fingerprint: change RECIPE_SPEC with the recipe below and the next run builds a
# new image; otherwise the one built before is reused.
SUITE=bookworm VARIANT=minbase PACKAGES=python3,python3-venv,ca-certificates
RECIPE_SPEC="$SUITE $VARIANT $PACKAGES cleanup-1"
RECIPE="$(printf '%s' "$RECIPE_SPEC" | sha256sum | cut -c1-16)"
if [ "$("$DOCKER" image inspect -f '{{ index .Config.Labels "org.lumen.base-recipe" }}' "$LOCAL_TAG" 2>/dev/null)" = "$RECIPE" ]; then
  say "using $LOCAL_TAG (built before from this recipe)"; echo "$LOCAL_TAG"; exit 0
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    say "building the base image needs root or password-less sudo (debootstrap)"; exit 1
  fi
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  say "installing debootstrap"
  $SUDO apt-get update -qq >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap </dev/null >&2
fi

MIRROR="${LMS_DEBIAN_MIRROR:-}"
if [ -z "$MIRROR" ]; then
  MIRROR="$(grep -hoE '(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
            | awk '{print $2}' | head -1 || true)"
  MIRROR="${MIRROR:-http://deb.debian.org/debian}"
fi

WORK="$(mktemp -d /tmp/lms-base.XXXXXX)"
trap '$SUDO rm -rf "$WORK"' EXIT
ROOTFS="$WORK/rootfs"
started=$SECONDS
say "building $LOCAL_TAG: debootstrap $SUITE from $MIRROR (a few minutes)"
$SUDO debootstrap --variant="$VARIANT" --include="$PACKAGES" "$SUITE" "$ROOTFS" "$MIRROR" >&2
# What a container never needs: package caches and lists, documentation, man pages, locales
# other than C (the runtime uses C.UTF-8, built into glibc).
$SUDO rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* \
  "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* \
  "$ROOTFS"/var/log/*.log "$ROOTFS"/var/cache/debconf/*-old
$SUDO find "$ROOTFS"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +
# The container's apt uses the same mirror (for images built FROM this one).
echo "deb $MIRROR $SUITE main" | $SUDO tee "$ROOTFS/etc/apt/sources.list" >/dev/null
$SUDO tar -C "$ROOTFS" -c . | "$DOCKER" import \
  --change 'ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "LABEL org.lumen.base-recipe=$RECIPE" \
  --change 'CMD ["python3"]' - "$LOCAL_TAG" >&2
"$DOCKER" run --rm "$LOCAL_TAG" python3 -c 'import sys, venv, ssl; print("python", sys.version.split()[0])' >&2
say "built $LOCAL_TAG in $((SECONDS - started)) s ($("$DOCKER" image inspect -f '{{.Size}}' "$LOCAL_TAG" | awk '{printf "%.0f MB", $1/1e6}'))"
echo "$LOCAL_TAG"
