"""The layout shell's own contribution: the 404 page."""

from __future__ import annotations

from lms_app.core.plugin_api import Page, hookimpl


@hookimpl
def lms_pages():
    from lms_app.ui import not_found

    return [Page(not_found.ROUTE, not_found.page, not_found.TITLE, not_found.ON_LOAD)]
