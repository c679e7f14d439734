"""The plain HTTP side of the app: every plugin's routes in one Starlette app, mounted beside
Reflex's websocket through ``rx.App(api_transformer=...)``."""

from __future__ import annotations

from starlette.applications import Starlette

from lms_app.core import plugins


def build_api() -> Starlette:
    """Every plugin's HTTP routes (``lms_http_routes``), in plugin order."""
    return Starlette(routes=list(plugins.collected("lms_http_routes")))
