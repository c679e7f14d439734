#!/usr/bin/env bash
# PostgreSQL and Redis images for docker-compose.yml on machines that cannot pull from Docker Hub:
# built FROM the local Python base (scripts/docker-base.sh: Debian bookworm) with Debian's own
# packages, and speaking the official images' interface (POSTGRES_USER/PASSWORD/DB, data in
# /var/lib/postgresql/data, pg_isready; redis-server and redis-cli, data in /data).
#   scripts/docker-services.sh        # -> lms-postgres:15, lms-redis:7
# then in .env: LMS_POSTGRES_IMAGE=lms-postgres:15  LMS_REDIS_IMAGE=lms-redis:7
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="$(LMS_BASE_LOCAL="${LMS_BASE_LOCAL:-1}" "$ROOT/scripts/docker-base.sh" | tail -n1)"
WORK="$(mktemp -d /tmp/lms-services.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
if [ -z "${DOCKER_BUILDKIT:-}" ] && ! docker buildx version >/dev/null 2>&1; then export DOCKER_BUILDKIT=0; fi

mkdir -p "$WORK/postgres" "$WORK/redis"
cat >"$WORK/postgres/entrypoint.sh" <<'EOF'
#!/bin/sh
# The official image's contract: a new data folder is initialised with POSTGRES_USER (default
# postgres), POSTGRES_PASSWORD (required) and POSTGRES_DB (default: the user's name).
set -eu
BIN=/usr/lib/postgresql/15/bin
PGDATA="${PGDATA:-/var/lib/postgresql/data}"
USER_NAME="${POSTGRES_USER:-postgres}"
DB_NAME="${POSTGRES_DB:-$USER_NAME}"
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
  printf '%s\n' "$POSTGRES_PASSWORD" >/tmp/pwfile && chown postgres /tmp/pwfile
  as_postgres "$BIN/initdb" -D "$PGDATA" -U "$USER_NAME" --pwfile=/tmp/pwfile -E UTF8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f /tmp/pwfile
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  as_postgres "$BIN/pg_ctl" -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  if [ "$DB_NAME" != "postgres" ]; then
    as_postgres psql -v ON_ERROR_STOP=1 -U "$USER_NAME" -d postgres -c "CREATE DATABASE \"$DB_NAME\"" >/dev/null
  fi
  as_postgres "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
  echo "PostgreSQL initialised: user $USER_NAME, database $DB_NAME"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups "$BIN/postgres" -D "$PGDATA" -c listen_addresses='*' "$@"
EOF
cat >"$WORK/postgres/Dockerfile" <<EOF
FROM $BASE
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 \\
 && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/*
COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 755 /usr/local/bin/docker-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:\$PATH PGDATA=/var/lib/postgresql/data
VOLUME ["/var/lib/postgresql/data"]
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
EOF
# Like the official image: protected mode off (the compose network is the boundary; without a
# config file Redis refuses every client but localhost), whatever command compose gives.
cat >"$WORK/redis/entrypoint.sh" <<'EOF'
#!/bin/sh
if [ "${1:-}" = "redis-server" ]; then shift; exec redis-server --protected-mode no "$@"; fi
exec "$@"
EOF
cat >"$WORK/redis/Dockerfile" <<EOF
FROM $BASE
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server \\
 && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* \\
 && mkdir -p /data && chown redis:redis /data
COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 755 /usr/local/bin/docker-entrypoint.sh
USER redis
WORKDIR /data
VOLUME ["/data"]
EXPOSE 6379
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["redis-server", "--dir", "/data"]
EOF
docker build -q -t "${LMS_POSTGRES_IMAGE:-lms-postgres:15}" "$WORK/postgres" >/dev/null
docker build -q -t "${LMS_REDIS_IMAGE:-lms-redis:7}" "$WORK/redis" >/dev/null
echo "built ${LMS_POSTGRES_IMAGE:-lms-postgres:15} and ${LMS_REDIS_IMAGE:-lms-redis:7} on $BASE"
