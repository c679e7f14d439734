"""App assembly: load the plugins, then build the Reflex app from what they contribute.

No feature is named here: pages, HTTP routes, lesson types, menus and the rest come from the
plugins' hooks (``lms_app/core/hookspecs.py``), the built-in features' and installed ones' alike.
"""

from __future__ import annotations

import reflex as rx

from lms_app.core import error_reporting, log_hygiene, log_setup, metrics, plugins, tab_expiry
from lms_app.core.http import api_transformers
from lms_app.core.settings import SettingsError, get_settings

DESCRIPTION = "Open-source learning platform: courses, progress that never gets lost, verifiable certificates."


def _refuse_unsafe_production() -> None:
    settings = get_settings()
    if settings.is_production and (problems := settings.production_problems()):
        raise SystemExit("Refusing to start in production mode:\n- " + "\n- ".join(problems))


def add_pages(app: rx.App) -> None:
    seen: dict[str, str] = {}
    for page in plugins.collected("lms_pages"):
        if page.route in seen:
            raise SystemExit(f"Two pages on {page.route}: {seen[page.route]} and {page.title}")
        seen[page.route] = page.title
        app.add_page(page.component, route=page.route, title=page.title,
                     description=DESCRIPTION if isinstance(page.description, str) and not page.description
                     else page.description, on_load=page.on_load)


log_hygiene.install()
log_setup.configure(get_settings())
error_reporting.install(get_settings())
_refuse_unsafe_production()
try:
    plugins.collect_all()
except SettingsError as exc:  # e.g. LMS_DISABLED_PLUGINS naming a built-in feature
    raise SystemExit(f"Refusing to start: {exc}") from exc
plugins.check_settings(get_settings())

app = rx.App(
    stylesheets=["/styles.css"],
    api_transformer=api_transformers(),
    backend_exception_handler=log_hygiene.backend_exception_handler,
    head_components=[rx.el.meta(name="theme-color", content="#3e63dd"),
                     rx.el.script(src="/a11y.js", defer=True)],  # keyboard access to scrolling tables
)
add_pages(app)
metrics.install(app)
tab_expiry.install(app, get_settings().tab_state_idle_minutes)
