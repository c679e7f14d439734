"""The course editor's "Prices in other currencies" card (issue 20).

A card of its own state, shown in the editor's Details tab beside the thumbnail; every handler goes
through ``authoring.services.prices`` (owner or admin) with the course id the client names. The
course's own price and currency stay in the details form (its primary price)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from lms_app.authoring.services import prices
from lms_app.authoring.services.checks import FormErrors
from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import TEACHER_AREA


class PriceRow(TypedDict):
    currency: str
    enabled: bool
    price: str
    placeholder: str  # "0.00", or "0" for a currency without minor units (JPY)
    error: str


class CoursePricesState(rx.State):
    course_id: int = 0
    currency: str = ""
    is_free: bool = False
    primary_label: str = ""
    summary: str = ""
    rows: list[PriceRow] = []
    error: str = ""
    saving: bool = False
    version: int = 0

    def _apply(self, view: dict, errors: dict[str, str] | None = None) -> None:
        errors = errors or {}
        self.course_id, self.currency, self.is_free = view["course_id"], view["currency"], view["is_free"]
        self.primary_label, self.summary = view["primary_label"], view["summary"]
        self.rows = [PriceRow(currency=r["currency"], enabled=r["enabled"], price=r["price"],
                              placeholder=r["placeholder"], error=errors.get(f"price_{r['currency']}", ""))
                     for r in view["rows"]]
        self.version += 1

    @rx.event
    @guarded(TEACHER_AREA)
    async def load(self, course_id: int = 0):
        self.error = ""
        if not course_id:
            self.course_id, self.rows = 0, []
            return
        try:
            self._apply(await run_db(prices.prices_view, current_actor(), course_id))
        except ServiceError:
            self.course_id, self.rows = 0, []

    @rx.event
    @guarded(TEACHER_AREA)
    async def save(self, form: dict):
        if not self.course_id:
            return
        self.saving, self.error = True, ""
        yield
        try:
            await run_db(prices.save_prices, current_actor(), self.course_id, form)
        except FormErrors as exc:
            self.saving = False
            self.error = "Nothing was saved. " + exc.message
            self.rows = [PriceRow(currency=r["currency"], enabled=r["currency"] in _enabled_codes(form),
                                  price=_text(form.get(f"price_{r['currency']}")), placeholder=r["placeholder"],
                                  error=exc.errors.get(f"price_{r['currency']}", "")) for r in self.rows]
            yield rx.toast.error("Nothing was saved. Check the highlighted prices.")
            return
        except ServiceError as exc:
            self.saving, self.error = False, exc.message
            yield rx.toast.error(exc.message)
            return
        self._apply(await run_db(prices.prices_view, current_actor(), self.course_id))
        self.saving = False
        yield rx.toast.success("Prices saved.")


def _enabled_codes(form: object) -> set[str]:
    if not isinstance(form, dict):
        return set()
    return {k[len("enabled_"):] for k, v in form.items() if isinstance(k, str) and k.startswith("enabled_")
            and v in (True, "on", "true", "1")}


def _text(raw: object) -> str:
    return raw[:20] if isinstance(raw, str) else ""


P = CoursePricesState
_LABEL = {"fontSize": "var(--font-size-2)", "fontWeight": "500", "display": "flex", "gap": "0.5rem",
          "alignItems": "center"}


def _row(row: rx.Var) -> rx.Component:
    code = row["currency"]
    return rx.vstack(
        rx.hstack(
            rx.el.label(
                rx.el.input(type="checkbox", name="enabled_" + code, id="enable-currency-" + code,
                            default_checked=row["enabled"]),
                rx.text("Sell in ", code, size="2"),
                html_for="enable-currency-" + code, style=_LABEL,
            ),
            rx.spacer(),
            rx.input(name="price_" + code, id="price-currency-" + code, default_value=row["price"], width="8rem",
                     input_mode="decimal", placeholder=row["placeholder"], aria_label="Price in " + code,
                     aria_invalid=rx.cond(row["error"] != "", "true", "false")),
            width="100%", align="center",
        ),
        rx.cond(row["error"] != "", rx.text(row["error"], size="1", color=rx.color("red", 11), role="alert")),
        spacing="1", width="100%",
    )


def prices_card(course_id: rx.Var, remount_key: rx.Var) -> rx.Component:
    """The card; ``remount_key`` changes when the course's own price or currency is saved (reload)."""
    form = rx.form(
        rx.vstack(
            rx.foreach(P.rows, _row),
            rx.cond(P.error != "", rx.text(P.error, size="1", color=rx.color("red", 11), role="alert")),
            rx.button(rx.icon("save", size=16), "Save prices", type="submit", loading=P.saving, id="save-prices"),
            spacing="3", width="100%", align="start",
        ),
        on_submit=P.save, reset_on_submit=False, width="100%", key=P.version.to_string(),
    )
    return rx.card(
        rx.vstack(
            rx.heading("Prices in other currencies", size="3", as_="h3"),
            rx.text("Own price: ", P.primary_label, " (", P.currency, "), set in the details. Learners pay in "
                    "the currency they choose, at the price you set for it.", size="1", color=rx.color("gray", 11)),
            rx.cond(P.is_free,
                    rx.text(prices.FREE_EVERYWHERE, size="2"),
                    form),
            rx.text(P.summary, size="1", color=rx.color("gray", 11), id="prices-summary"),
            spacing="3", width="100%",
        ),
        width="100%", key=remount_key, on_mount=CoursePricesState.load(course_id),
    )
