"""REST: the bundle list, one bundle priced for me, and buying it (the pages' services).

``POST /bundles/{slug}/purchase`` is ``services.pay``, as the page: with the test card gateway
the card is charged now and the order comes back paid. The price is always the server's."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from lms_app.api.deps import optional_principal, require
from lms_app.api.errors import ApiError, not_found, responses
from lms_app.api.services.tokens import Principal
from lms_app.api.dto import model_of
from lms_app.bundles import services
from lms_app.bundles.views import BundleCourseItem, BundleSummary
from lms_app.commerce.rest import BillingDetails
from lms_app.core.db import run_db
from lms_app.core.settings import get_settings

router = APIRouter(tags=["bundles"])
SLUG = r"^[A-Za-z0-9][A-Za-z0-9-]{0,119}$"


SummaryModel = model_of(BundleSummary)
CourseModel = model_of(BundleCourseItem)


class BundleList(BaseModel):
    items: list[SummaryModel]
    page: int
    has_next: bool


class BundleDetail(SummaryModel):
    description: str
    available: bool
    bought: bool
    owns_all: bool
    list_label: str
    discount_label: str
    total_label: str
    coupon_code: str
    coupon_error: str
    courses: list[CourseModel]


class Card(BaseModel):
    card_number: str = Field(max_length=40)
    expiry: str = Field(max_length=10, description="MM/YY")
    cvc: str = Field(max_length=6)
    name: str = Field(default="", max_length=120)


class PurchaseRequest(BaseModel):
    coupon_code: str = Field(default="", max_length=40)
    card: Card | None = None
    billing: BillingDetails | None = Field(default=None, description="Billing details: the order gets an invoice "
                                                                     "(number, tax lines) instead of a receipt")


class PurchaseResult(BaseModel):
    order_id: int


@router.get("/bundles", response_model=BundleList, responses=responses(429), summary="Bundles on sale, newest first")
async def list_bundles(page: int = Query(1, ge=1, le=100_000)) -> BundleList:
    found = await run_db(services.public_list, page)
    return BundleList(items=found["items"], page=found["page"], has_next=found["has_next"])


@router.get("/bundles/{slug}", response_model=BundleDetail, responses=responses(401, 404, 429),
            summary="One bundle: its courses, which of them I own, and my price (with a coupon when valid)")
async def bundle_detail(slug: str = Path(max_length=120, pattern=SLUG), coupon: str = Query("", max_length=40),
                        principal: Principal | None = Depends(optional_principal)) -> BundleDetail:
    found = await run_db(services.page_view, slug, principal.actor if principal else None, coupon)
    if found is None:
        raise not_found("That bundle")
    return BundleDetail(**{k: found[k] for k in BundleDetail.model_fields})


def _buy(session, actor, slug: str, coupon: str, card: dict, billing: dict | None = None) -> PurchaseResult:
    return PurchaseResult(order_id=services.pay(session, get_settings(), actor, slug, coupon, card,
                                                billing=billing).order_id)


@router.post("/bundles/{slug}/purchase", response_model=PurchaseResult, responses=responses(401, 402, 403, 422, 429),
             summary="Buy a bundle with the card gateway: enrols me in each course I do not own yet")
async def buy(body: PurchaseRequest, slug: str = Path(max_length=120, pattern=SLUG),
              principal: Principal = Depends(require("learn"))) -> PurchaseResult:
    from lms_app.commerce.services.checkout import PaymentDeclined

    card = body.card.model_dump() if body.card else {}
    billing = {f"billing_{k}": v for k, v in body.billing.model_dump().items()} if body.billing else None
    try:
        return await run_db(_buy, principal.actor, slug, body.coupon_code, card, billing)
    except PaymentDeclined as exc:
        raise ApiError(402, exc.message, "payment_declined", exc.field) from None
