"""The top bar's catalog search box (a navbar widget): turns the typed words into a catalog URL."""

from __future__ import annotations

import reflex as rx

from lms_app.catalog.services import params as catalog_params
from lms_app.core.guard import public


class NavSearchState(rx.State):
    @rx.event
    @public
    def go(self, form_data: dict):
        """Only builds /courses?q=… from validated words (reads and writes nothing)."""
        q = form_data.get("q") if isinstance(form_data, dict) else ""
        params = catalog_params.parse_params({"q": q if isinstance(q, str) else ""})
        return rx.redirect(catalog_params.catalog_url(params))


def search_box() -> rx.Component:
    """Search box that opens the catalog at /courses?q=…."""
    return rx.box(
        rx.form(
            rx.input(rx.input.slot(rx.icon("search", size=15)), name="q", type="search", placeholder="Search courses",
                     aria_label="Search courses", size="2", width="100%", max_length=100),
            on_submit=NavSearchState.go, reset_on_submit=True, role="search", width="100%",
        ),
        class_name="lms-hide-narrow", flex="1", max_width="360px", margin_x="1.5rem",
    )
