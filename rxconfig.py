"""Reflex configuration. Values come from lms_app.core.settings so every entry point agrees.

Nothing here may reach the internet: telemetry is off and the frontend is built with the bun
installed by scripts/setup.sh from the npm registry (REFLEX_USE_SYSTEM_BUN=1).
"""

import reflex as rx

from lms_app.core.dev_proxy import DevBackendProxy
from lms_app.core.origins import cors_origins
from lms_app.core.settings import get_settings

settings = get_settings()

config = rx.Config(
    app_name="lms_app",
    # The app is assembled in lms_app/app.py (plugins decide its pages and routes).
    app_module_import="lms_app.app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    db_url=settings.database_url,
    redis_url=settings.redis_url,
    # Without Redis there is one worker, so tab state lives in its memory. Reflex's default
    # (disk) pickles state to files and lists the whole states folder after every batch of
    # writes: with 500 learners connected that was a quarter of the server's CPU
    # (bench/player_load.py). A restart loses tab state; the tabs load their page again.
    state_manager_mode=rx.constants.StateManagerMode.REDIS if settings.redis_url
    else rx.constants.StateManagerMode.MEMORY,
    # Never '*': with credentials, Starlette's CORS reflects any Origin and socket.io accepts any
    # site's page. The list comes from LMS_ALLOWED_ORIGINS + LMS_PUBLIC_URL (+ localhost outside
    # production); lms_app/core/request_guard.py checks the websocket's Origin again.
    cors_allowed_origins=cors_origins(settings),
    # Behind N reverse proxies the client address (per-address sign-in throttling) is the Nth
    # entry from the right of X-Forwarded-For; 0 ignores the header (a client could forge it).
    trusted_proxy_hops=settings.trusted_proxy_hops,
    plugins=[
        rx.plugins.SitemapPlugin(),
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="indigo", gray_color="slate", radius="large", scaling="100%")
        ),
        # `reflex run` dev mode only: Vite forwards /api/ and /media/ to the backend, so sign-in
        # and media work on the dev port as on the production single port (lms_app/dev_proxy.py).
        DevBackendProxy(),
    ],
)
