"""Development only: the Vite dev server forwards the app's own HTTP routes to the backend.

In production (`reflex run --env prod --single-port`) the pages and the backend share one
origin, so the browser reaches `/api/session`, `/media/...`, `/api/progress/position` and the
other Starlette routes of `lms_app.core.http.build_api` by relative URL. `reflex run` in dev
mode serves the pages from Vite (port 3000) and the backend elsewhere (port 8000): without
this plugin those requests hit Vite (the sign-in POST gets 405, `/media` links get the app's
HTML), so nobody can sign in to a hot-reloading app.

This plugin adds a `server.proxy` entry to the generated `.web/vite.config.js` through Reflex's
plugin hook (`add_modify_task`, the way Reflex's own EmbedPlugin patches that file), only when
Reflex runs in dev mode. The browser stays on one origin, so the session cookie, SameSite=Lax
and the routes' same-origin checks work exactly as in production (the proxy keeps the
browser's Host header). Production builds are not touched: their vite.config.js has no proxy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from reflex.plugins import Plugin
from reflex_base import constants
from reflex_base.environment import environment

_ANCHOR = "port: process.env.PORT,"  # in server: { ... } of Reflex 0.10's vite.config.js template


def backend_target(backend_host: str | None, backend_port: int | None) -> str:
    """Where the dev backend listens, as seen from the Vite process on the same machine."""
    host = backend_host or "127.0.0.1"
    if host in ("0.0.0.0", "::", "localhost"):  # wildcard binds: loopback always reaches them
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{backend_port or constants.DefaultPorts.BACKEND_PORT}"


def route_prefixes(route_paths: list[str]) -> tuple[str, ...]:
    """Proxy keys covering the app's routes: a route's first path segment ("/api/session",
    "/media/avatars/{name}" → "/api/", "/media/"), or the route itself when it has one segment
    ("/sitemap.xml"). Vite matches string keys as prefixes. Reflex's own /_event, /_upload and
    /ping need none: its frontend already addresses them to the backend URL (env.json)."""
    prefixes = []
    for path in route_paths:
        first, _, rest = path.lstrip("/").partition("/")
        prefix = f"/{first}/" if rest else f"/{first}"
        if prefix not in prefixes:
            prefixes.append(prefix)
    return tuple(prefixes)


def app_route_prefixes() -> tuple[str, ...]:
    from lms_app.core.http import build_api

    return route_prefixes([route.path for route in build_api().routes])


def add_proxy(vite_config: str, target: str, paths: tuple[str, ...]) -> str:
    """Return ``vite_config`` with ``server.proxy`` sending ``paths`` to ``target``."""
    # changeOrigin stays false: the backend sees the browser's Host, as behind the single port.
    proxy = json.dumps({path: {"target": target, "changeOrigin": False} for path in paths})
    line = f"\n    proxy: {proxy},"
    if line in vite_config:
        return vite_config
    if _ANCHOR not in vite_config:
        raise RuntimeError(
            "lms_app.core.dev_proxy cannot patch .web/vite.config.js: the anchor "
            f"{_ANCHOR!r} is missing (the Reflex template changed). Without the proxy, "
            "sign-in and /media fail under `reflex run` in dev mode; update the anchor."
        )
    return vite_config.replace(_ANCHOR, _ANCHOR + line, 1)


@dataclass
class DevBackendProxy(Plugin):
    """Register in rxconfig.py; does nothing outside `reflex run` dev mode.

    ``paths`` defaults to the prefixes of every route of lms_app.core.http.build_api (every plugin's routes), so a new
    route is proxied without touching this file.
    """

    paths: tuple[str, ...] | None = None

    def pre_compile(self, **context):
        if environment.REFLEX_ENV_MODE.get() != constants.Env.DEV:
            return
        from reflex_base.config import get_config

        config = get_config()
        target = backend_target(config.backend_host, config.backend_port)
        paths = self.paths or app_route_prefixes()
        context["add_modify_task"](
            constants.ReactRouter.VITE_CONFIG_FILE,
            lambda content: add_proxy(content, target, paths),
        )
