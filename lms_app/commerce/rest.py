"""REST: buying a course (the checkout page's services) and my orders with their PDF receipts.

``POST /checkout/{slug}`` is ``checkout.pay``, as the page: with a direct gateway (the test card
gateway) the card is charged now and the order comes back paid; with a redirect gateway (Stripe,
Paystack, the generic webhook provider) the order is pending and ``redirect_url`` is where the
buyer confirms; the provider's webhook then fulfils it. Under a 100 % coupon nothing is charged.
Free courses are enrolled with ``POST /courses/{slug}/enroll``. The price is always the server's."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from lms_app.api.deps import require
from lms_app.api.dto import model_of
from lms_app.api.errors import ApiError, not_found, responses
from lms_app.api.services.tokens import Principal
from lms_app.commerce.services import checkout, orders, receipts
from lms_app.core.db import run_db
from lms_app.core.settings import get_settings

router = APIRouter(tags=["checkout"])
SLUG = r"^[A-Za-z0-9][A-Za-z0-9-]{0,119}$"
ORDER = Path(ge=1, le=2_147_483_647)


class PdfResponse(Response):
    media_type = "application/pdf"


PDF = {200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
             "description": "The PDF"}}


class CurrencyOption(BaseModel):
    currency: str
    label: str


class Quote(BaseModel):
    slug: str
    title: str
    currency: str
    currency_options: list[CurrencyOption] = Field(default_factory=list,
                                                   description="The currencies this course is sold in")
    list_label: str
    discount_label: str
    total_label: str
    is_free_now: bool
    coupon_code: str
    coupon_error: str
    email_verified: bool
    enrolled: bool


class Card(BaseModel):
    card_number: str = Field(max_length=40)
    expiry: str = Field(max_length=10, description="MM/YY")
    cvc: str = Field(max_length=6)
    name: str = Field(default="", max_length=120)


class BillingDetails(BaseModel):
    name: str = Field(max_length=120, description="The person or company on the invoice")
    address: str = Field(max_length=500)
    country: str = Field(max_length=2, description="ISO 3166-1 alpha-2 code, e.g. DE")
    tax_id: str = Field(default="", max_length=32, description="VAT or other tax id (optional)")


class CheckoutRequest(BaseModel):
    coupon_code: str = Field(default="", max_length=40)
    card: Card | None = Field(default=None, description="For a card gateway (the test gateway); not sent otherwise")
    billing: BillingDetails | None = Field(default=None, description="Billing details: the order gets an invoice "
                                                                     "(number, tax lines) instead of a receipt")
    currency: str | None = Field(default=None, min_length=3, max_length=3,
                                 description="Pay in this currency (one of the course's; default: its own). "
                                             "The amount is always the server's price in it.")


# The pages' order view as the API's model (one definition: commerce.services.orders.OrderView).
OrderView = model_of(orders.OrderView)


class CheckoutResult(BaseModel):
    order: OrderView
    redirect_url: str | None = Field(description="A redirect gateway's confirmation page (the order is pending)")


def _checkout(session, actor, slug: str, coupon: str, card: dict, billing: dict | None = None,
              currency: str | None = None) -> CheckoutResult:
    paid = checkout.pay(session, get_settings(), actor, slug, coupon, card, billing=billing, currency=currency)
    return CheckoutResult(order=orders.detail(session, actor, paid.order_id), redirect_url=paid.redirect_url or None)


@router.get("/checkout/{slug}", response_model=Quote, responses=responses(401, 403, 422, 429),
            summary="The price of a course for me now, with a coupon applied when it is valid")
async def quote(slug: str = Path(max_length=120, pattern=SLUG), coupon: str = Query("", max_length=40),
                currency: str | None = Query(None, min_length=3, max_length=3,
                                             description="Price in this currency (one of the course's)"),
                principal: Principal = Depends(require("read"))) -> Quote:
    return Quote(**await run_db(checkout.quote_view, principal.actor, slug, coupon, currency))


@router.post("/checkout/{slug}", response_model=CheckoutResult, responses=responses(401, 402, 403, 422, 429),
             summary="Buy a course with the configured gateway (card now, or a redirect URL)")
async def buy(body: CheckoutRequest, slug: str = Path(max_length=120, pattern=SLUG),
              principal: Principal = Depends(require("learn"))) -> CheckoutResult:
    card = body.card.model_dump() if body.card else {}
    billing = {f"billing_{k}": v for k, v in body.billing.model_dump().items()} if body.billing else None
    try:
        return await run_db(_checkout, principal.actor, slug, body.coupon_code, card, billing, body.currency)
    except checkout.PaymentDeclined as exc:
        raise ApiError(402, exc.message, "payment_declined", exc.field) from None


@router.get("/me/orders", response_model=list[OrderView], responses=responses(401, 403, 429),
            summary="My orders, newest first")
async def my_orders(principal: Principal = Depends(require("read"))):
    return await run_db(orders.history, principal.actor)


@router.get("/me/orders/{order_id}", response_model=OrderView, responses=responses(401, 403, 404, 429),
            summary="One of my orders")
async def my_order(order_id: int = ORDER, principal: Principal = Depends(require("read"))):
    found = await run_db(orders.detail, principal.actor, order_id)
    if found is None:
        raise not_found("That order")
    return found


@router.get("/me/orders/{order_id}/receipt", response_class=Response,
            responses={**PDF, **responses(401, 403, 404, 429)}, summary="The PDF receipt of one of my orders")
async def receipt(order_id: int = ORDER, principal: Principal = Depends(require("read"))) -> Response:
    found = await run_db(receipts.receipt_pdf, get_settings(), principal.actor, order_id)
    if found is None:
        raise not_found("That order")
    name, data = found
    return PdfResponse(data, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                      "X-Content-Type-Options": "nosniff"})
