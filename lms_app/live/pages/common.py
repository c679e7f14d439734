"""What the live pages share: the viewer's time zone expression, the gateway, card details from a
form, and two layout helpers."""

from __future__ import annotations

from typing import Any

import reflex as rx

from lms_app.commerce.gateways.base import CardDetails
from lms_app.core.settings import get_settings


READ_TZ = "Intl.DateTimeFormat().resolvedOptions().timeZone"
PREFIX = "/live/"


def live_gateway():
    from lms_app.commerce.gateways import get_gateway

    try:
        return get_gateway(get_settings())
    except RuntimeError:
        return None


def card_from_form(form: Any) -> CardDetails | None:
    from lms_app.commerce.services.checkout import card_from

    card = card_from(form)
    return card if card.number else None


def offering_id_in(path: str) -> str:
    return path[len(PREFIX):].strip("/").split("/")[0] if isinstance(path, str) and path.startswith(PREFIX) else ""


def labelled(label: str, control: rx.Component) -> rx.Component:
    control.style.update({"width": "100%"})
    return rx.vstack(rx.text(label, size="2", weight="medium", as_="label"), control, spacing="1", width="100%")


def table_of(headers: list[str], body: rx.Component) -> rx.Component:
    return rx.box(rx.table.root(rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                                rx.table.body(body), variant="surface", width="100%"), width="100%", overflow_x="auto")
