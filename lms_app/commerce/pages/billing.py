"""The checkout's optional "Billing details (for an invoice)" section (collapsed by default).

Its inputs sit inside the pay form, so they travel with the ``pay`` event's form argument
(``billing_*`` keys, checked by ``commerce.services.invoices.billing_from``); no state var holds
them. A native ``<details>`` keeps it collapsed without any state.
"""

from __future__ import annotations

import reflex as rx

from lms_app.commerce.services.invoices import ADDRESS_MAX, NAME_MAX, TAX_ID_MAX
from lms_app.core.countries import countries
from lms_app.ui.forms import field

LABEL = {"fontSize": "var(--font-size-2)", "fontWeight": "500"}


def _error(error_field: rx.Var, error: rx.Var, name: str) -> rx.Var:
    return rx.cond(error_field == name, error, "")


def billing_section(error_field: rx.Var, error: rx.Var) -> rx.Component:
    country_error = _error(error_field, error, "billing_country")
    address_error = _error(error_field, error, "billing_address")
    return rx.el.details(
        rx.el.summary(
            rx.el.span(rx.icon("file-text", size=16), "Billing details (for an invoice)",
                       style={"display": "inline-flex", "alignItems": "center", "gap": "0.5rem",
                              "fontSize": "var(--font-size-2)", "fontWeight": "500"}),
            cursor="pointer", id="billing-summary",
        ),
        rx.vstack(
            rx.text("Optional. Fill these in to get an invoice with your name, address and tax id instead of a "
                    "receipt. Prices include any tax due.", size="1", color=rx.color("gray", 11)),
            field("Name or company", "billing_name", error=_error(error_field, error, "billing_name"),
                  max_length=NAME_MAX, auto_complete="billing name"),
            rx.vstack(
                rx.el.label("Billing address", html_for="field-billing_address", style=LABEL),
                rx.text_area(id="field-billing_address", name="billing_address", rows="3", width="100%", size="3",
                             max_length=ADDRESS_MAX, custom_attrs={"autoComplete": "billing street-address"},
                             placeholder="Street and number\nPostcode and city",
                             aria_invalid=rx.cond(address_error != "", "true", "false")),
                rx.cond(address_error != "", rx.text(address_error, size="1", color=rx.color("red", 11),
                                                     role="alert")),
                spacing="1", width="100%", align="start",
            ),
            rx.vstack(
                rx.el.label("Country", html_for="field-billing_country", style=LABEL),
                rx.select.root(
                    rx.select.trigger(placeholder="Choose a country", id="field-billing_country",
                                      aria_label="Country", width="100%"),
                    rx.select.content(*[rx.select.item(name, value=code) for code, name in countries()],
                                      position="popper"),
                    name="billing_country", size="3",
                ),
                rx.cond(country_error != "", rx.text(country_error, size="1", color=rx.color("red", 11),
                                                     role="alert")),
                spacing="1", width="100%", align="start",
            ),
            field("Tax id (optional)", "billing_tax_id", error=_error(error_field, error, "billing_tax_id"),
                  max_length=TAX_ID_MAX, placeholder="e.g. DE123456789"),
            spacing="3", width="100%", align="start", padding_top="0.75rem",
        ),
        width="100%",
    )
