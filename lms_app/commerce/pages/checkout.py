"""Checkout at /checkout/<slug>: order summary, a coupon applied live, and the card form.

Card details travel only as the ``pay`` event's form argument: no state var holds them, and
nothing logs them. The price shown comes from the server; ``pay`` never reads an amount.
"""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from lms_app.ui.forms import field, form_error
from lms_app.ui.layout import loading_block, page_heading, page_shell
from lms_app.ui.links import link_button
from lms_app.core.db import run_db
from lms_app.commerce.services import checkout
from lms_app.commerce.pages.billing import billing_section
from lms_app.core import currencies
from lms_app.core.errors import ServiceError
from lms_app.commerce.gateways import get_gateway
from lms_app.core.permissions import LEARNER_AREA
from lms_app.core.settings import get_settings
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded

PREFIX = "/checkout/"


class SummaryView(TypedDict):
    slug: str
    title: str
    list_label: str
    discount_label: str
    total_label: str
    is_free_now: bool
    coupon_code: str
    enrolled: bool
    email_verified: bool


EMPTY = SummaryView(slug="", title="", list_label="", discount_label="", total_label="", is_free_now=False,
                    coupon_code="", enrolled=False, email_verified=False)


def _slug(path: str) -> str:
    return path[len(PREFIX):].strip("/").split("/")[0] if isinstance(path, str) and path.startswith(PREFIX) else ""


def _summary(view: dict) -> SummaryView:
    return SummaryView(**{k: view[k] for k in SummaryView.__annotations__})


def _pay(session, actor, slug, coupon, form, currency=None):
    paid = checkout.pay(session, get_settings(), actor, slug, coupon, form, billing=form,  # billing_* keys
                        currency=currency)
    return paid.redirect_url or f"/orders/{paid.order_id}"


def _hosted_label() -> str:
    """The redirect gateway's label ("" for a direct card form gateway or none configured)."""
    from lms_app.commerce.gateways import registered

    try:
        settings = get_settings()
        spec = registered().get(settings.payment_gateway)
        gateway = get_gateway(settings) if spec else None
    except Exception:  # misconfigured: the start-up check reports it; paying will say so
        return ""
    if gateway is None or hasattr(gateway, "charge"):
        return ""
    return spec.label or "our payment provider"


class CheckoutState(rx.State):
    summary: SummaryView = EMPTY
    found: bool = False
    loaded: bool = False
    coupon_error: str = ""
    error: str = ""
    error_field: str = ""
    busy: bool = False
    # Non-empty for a redirect gateway (Stripe Checkout, Paystack...): its label; no card form then.
    hosted_label: str = ""
    # The currency the learner pays in (issue 20) and the ones the course is sold in. Only a code
    # travels from the browser: the amount is always the server's price in that currency.
    currency: str = ""
    currency_options: list[dict[str, str]] = []

    async def _quote(self, coupon: str = "") -> dict:
        view = await run_db(checkout.quote_view, current_actor(), _slug(self.router.url.path), coupon,
                            self.currency or None)
        self.currency, self.currency_options = view["currency"], view["currency_options"]
        return view

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        self.loaded, self.error, self.error_field, self.coupon_error, self.busy = False, "", "", "", False
        self.hosted_label = _hosted_label()
        asked = self.router.url.query_parameters.get("currency")
        self.currency = asked if isinstance(asked, str) else ""
        try:
            try:
                self.summary = _summary(await self._quote())
            except ServiceError as exc:  # not sold in that currency: its own, and say why if asked for
                if not self.currency:
                    raise
                self.currency, self.error = "", exc.message if asked else ""
                self.summary = _summary(await self._quote())
            self.found = True
        except ServiceError:
            self.summary, self.found = EMPTY, False
        self.loaded = True
        if self.found and not asked and len(self.currency_options) > 1:
            # The currency last chosen in the catalog, remembered by the browser: only a hint.
            return rx.call_script(currencies.READ_SAVED_SCRIPT, callback=CheckoutState.prefer_currency)

    @rx.event
    @guarded(LEARNER_AREA)
    async def prefer_currency(self, code: str):
        """Switch to the browser's remembered currency when the course is sold in it (else keep quiet)."""
        wanted = currencies.clean_code(code)
        if not wanted or wanted == self.currency or wanted not in {o["currency"] for o in self.currency_options}:
            return
        previous, self.currency = self.currency, wanted
        try:
            self.summary = _summary(await self._quote(self.summary["coupon_code"]))
        except ServiceError:
            self.currency = previous

    @rx.event
    @guarded(LEARNER_AREA)
    async def choose_currency(self, code: str):
        """Re-price in another of the course's currencies (the coupon is checked again)."""
        previous = self.currency
        self.currency, self.error = code if isinstance(code, str) else "", ""
        try:
            view = await self._quote(self.summary["coupon_code"])
        except ServiceError as exc:
            self.currency = previous
            return rx.toast.error(exc.message)
        self.coupon_error = view["coupon_error"]  # e.g. a fixed amount in another currency: dropped
        self.summary = _summary(view)

    @rx.event
    @guarded(LEARNER_AREA)
    async def apply_coupon(self, form: dict):
        """Re-price with the typed code; a refusal says why and keeps the full price."""
        code = form.get("coupon") if isinstance(form, dict) else None
        if not isinstance(code, str) or not code.strip():
            self.coupon_error = "Enter a coupon code."
            return
        try:
            view = await self._quote(code)
        except ServiceError as exc:
            self.coupon_error = exc.message
            return
        self.coupon_error = view["coupon_error"]
        if not view["coupon_error"]:
            self.summary = _summary(view)
            return rx.toast.success(f"Coupon {view['coupon_code']} applied.")

    @rx.event
    @guarded(LEARNER_AREA)
    async def remove_coupon(self):
        self.coupon_error = ""
        try:
            self.summary = _summary(await self._quote())
        except ServiceError as exc:
            self.error = exc.message

    @rx.event
    @guarded(LEARNER_AREA)
    async def pay(self, form: dict):
        """Charge the card (or enrol for free under a 100 % coupon); the server prices everything."""
        if self.busy:
            return
        self.busy, self.error, self.error_field = True, "", ""
        yield
        actor, slug, coupon = current_actor(), _slug(self.router.url.path), self.summary["coupon_code"]
        try:
            target = await run_db(_pay, actor, slug, coupon, form if isinstance(form, dict) else {},
                                  self.currency or None)
        except ServiceError as exc:
            self.busy, self.error, self.error_field = False, exc.message, exc.field or ""
            yield rx.toast.error(exc.message)
            return
        self.busy = False
        yield rx.redirect(target)


S = CheckoutState.summary


def summary_card() -> rx.Component:
    def row(label, value, **props):
        return rx.hstack(rx.text(label, size="2", color=rx.color("gray", 11)), rx.spacer(),
                         rx.text(value, size="2", **props), width="100%")

    return rx.card(
        rx.vstack(
            rx.heading("Order summary", size="4", as_="h2"),
            rx.text(S["title"], weight="bold", size="3"),
            currency_picker(),
            rx.separator(size="4"),
            row("Price", S["list_label"]),
            rx.cond(S["discount_label"] != "",
                    row(rx.fragment("Coupon ", rx.code(S["coupon_code"])), S["discount_label"],
                        color=rx.color("green", 11))),
            rx.separator(size="4"),
            rx.hstack(rx.text("Total", weight="bold"), rx.spacer(), rx.text(S["total_label"], weight="bold", size="5"),
                      width="100%", align="baseline"),
            coupon_form(),
            spacing="3", width="100%", align="start",
        ),
        width="100%",
    )


def currency_picker() -> rx.Component:
    """Courses sold in several currencies: the learner picks one (issue 20)."""
    return rx.cond(
        CheckoutState.currency_options.length() > 1,
        rx.hstack(
            rx.text("Pay in", size="2", color=rx.color("gray", 11)),
            rx.select.root(
                rx.select.trigger(aria_label="Currency to pay in", id="checkout-currency"),
                rx.select.content(rx.foreach(CheckoutState.currency_options,
                                             lambda o: rx.select.item(o["label"], value=o["currency"]))),
                value=CheckoutState.currency, on_change=CheckoutState.choose_currency, size="2",
            ),
            align="center", spacing="2", width="100%",
        ),
    )


def coupon_form() -> rx.Component:
    return rx.cond(
        S["coupon_code"] != "",
        rx.hstack(rx.badge(rx.icon("ticket-percent", size=14), S["coupon_code"], " applied", color_scheme="green",
                           size="2"),
                  rx.spacer(),
                  rx.button("Remove", variant="ghost", size="1", on_click=CheckoutState.remove_coupon),
                  width="100%", align="center"),
        rx.form(
            rx.vstack(
                rx.el.label("Coupon code", html_for="field-coupon",
                            style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
                rx.hstack(rx.input(id="field-coupon", name="coupon", placeholder="e.g. DEMO20", flex="1",
                                   aria_invalid=rx.cond(CheckoutState.coupon_error != "", "true", "false")),
                          rx.button("Apply", type="submit", variant="soft"), width="100%"),
                rx.cond(CheckoutState.coupon_error != "",
                        rx.text(CheckoutState.coupon_error, size="1", color=rx.color("red", 11), role="alert")),
                spacing="1", width="100%", align="start",
            ),
            on_submit=CheckoutState.apply_coupon, width="100%",
        ),
    )


def verify_first() -> rx.Component:
    """Unverified buyers: say why they cannot pay yet, and offer a new link."""
    from lms_app.accounts.pages.verify_email import VerifyEmailState

    return rx.card(rx.vstack(
        rx.heading("Confirm your e-mail address", size="4", as_="h2"),
        rx.text("Before buying, confirm your e-mail address: follow the link in the e-mail we sent when you "
                "registered. Free courses are open to you already.", size="2"),
        rx.cond(VerifyEmailState.message != "", rx.callout(VerifyEmailState.message, icon="mail", width="100%")),
        rx.button(rx.icon("send", size=16), "Resend the e-mail", size="3", variant="soft", width="100%",
                  loading=VerifyEmailState.busy, on_click=VerifyEmailState.resend, id="resend-verification"),
        spacing="3", width="100%", align="start"), width="100%")


def card_form() -> rx.Component:
    return rx.cond(S["email_verified"], rx.cond(CheckoutState.hosted_label != "", _hosted_form(), _card_form()),
                   verify_first())


def _hosted_form() -> rx.Component:
    """Redirect gateways: the card is entered on the provider's page, never here."""
    return rx.card(
        rx.vstack(
            rx.heading("Payment", size="4", as_="h2"),
            form_error(CheckoutState.error),
            rx.text("You will pay on the secure page of ", CheckoutState.hosted_label,
                    ", then come back here with access to the course.", size="2"),
            rx.form(
                rx.vstack(
                    billing_section(CheckoutState.error_field, CheckoutState.error),
                    rx.button(rx.icon("lock", size=16), rx.cond(S["is_free_now"], "Enroll for free",
                                                               rx.fragment("Continue to pay ", S["total_label"])),
                              size="3", width="100%", loading=CheckoutState.busy, type="submit",
                              id="continue-to-payment"),
                    spacing="3", width="100%"),
                on_submit=CheckoutState.pay, width="100%"),
            rx.text("Card details are never sent to or stored by this site.", size="1", color=rx.color("gray", 11)),
            spacing="3", width="100%", align="start",
        ),
        width="100%",
    )


def _card_form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Payment", size="4", as_="h2"),
            form_error(CheckoutState.error),
            rx.cond(
                S["is_free_now"],
                rx.vstack(
                    rx.text("Your coupon covers the whole price: no card needed.", size="2"),
                    rx.button(rx.icon("circle-plus", size=16), "Enroll for free", size="3", width="100%",
                              loading=CheckoutState.busy, on_click=CheckoutState.pay({})),
                    spacing="3", width="100%",
                ),
                rx.form(
                    rx.vstack(
                        field("Card number", "card_number", placeholder="4242 4242 4242 4242",
                              auto_complete="cc-number", input_mode="numeric", required=True),
                        rx.grid(field("Expiry (MM/YY)", "expiry", placeholder="MM/YY", auto_complete="cc-exp",
                                      required=True),
                                field("CVC", "cvc", placeholder="123", auto_complete="cc-csc", input_mode="numeric",
                                      required=True),
                                columns="2", spacing="3", width="100%"),
                        field("Name on card", "name", auto_complete="cc-name"),
                        billing_section(CheckoutState.error_field, CheckoutState.error),
                        rx.button(rx.icon("lock", size=16), "Pay ", S["total_label"], type="submit", size="3",
                                  width="100%", loading=CheckoutState.busy),
                        rx.text("Test mode: use 4242 4242 4242 4242 (success), 4000 0000 0000 0002 (declined) or "
                                "4000 0000 0000 9995 (insufficient funds), any future expiry and any CVC.",
                                size="1", color=rx.color("gray", 11)),
                        spacing="3", width="100%",
                    ),
                    on_submit=CheckoutState.pay, width="100%",
                ),
            ),
            spacing="3", width="100%", align="start",
        ),
        width="100%",
    )


def page() -> rx.Component:
    return page_shell(
        page_heading("Checkout", "Review your order and pay securely."),
        rx.cond(
            CheckoutState.loaded,
            rx.cond(
                CheckoutState.found,
                rx.cond(
                    S["enrolled"],
                    rx.callout(rx.fragment("You are already enrolled in this course. ",
                                           rx.link("Go to the course", href="/courses/" + S["slug"])),
                               icon="circle-check", color_scheme="green"),
                    rx.grid(summary_card(), card_form(), columns=rx.breakpoints(initial="1", md="2"), spacing="5",
                            width="100%", max_width="900px"),
                ),
                rx.vstack(rx.text("This course is not available for purchase."),
                          link_button("Browse the catalog", href="/courses", variant="soft"), spacing="3"),
            ),
            loading_block(),
        ),
    )


ROUTE = "/checkout/[slug]"
TITLE = "Checkout"
ON_LOAD = [AuthState.refresh, CheckoutState.load]
