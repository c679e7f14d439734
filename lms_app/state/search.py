"""The navbar's catalog search box: turns the typed words into a catalog URL."""

from __future__ import annotations

import reflex as rx

from lms_app.services import catalog_params
from lms_app.state.guard import public


class NavSearchState(rx.State):
    @rx.event
    @public
    def go(self, form_data: dict):
        """Only builds /courses?q=… from validated words (reads and writes nothing)."""
        q = form_data.get("q") if isinstance(form_data, dict) else ""
        params = catalog_params.parse_params({"q": q if isinstance(q, str) else ""})
        return rx.redirect(catalog_params.catalog_url(params))
