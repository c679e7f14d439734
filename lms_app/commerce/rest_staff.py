"""REST for teachers: my revenue and my coupons (list, create, deactivate), through the teacher
pages' own services (a teacher's coupons are for their own courses; admins see all)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from lms_app.api.deps import require
from lms_app.api.errors import responses
from lms_app.api.services.tokens import Principal
from lms_app.api.staff import MAX_ID, call
from lms_app.commerce.services import coupons, revenue

router = APIRouter(tags=["teaching"])


class RevenueRow(BaseModel):
    label: str = Field(description="The course title, or the month (YYYY-MM)")
    sales: int
    gross: str
    fee: str
    share: str = Field(description="What the teacher earns: gross minus the platform fee, net of refunds")


class Revenue(BaseModel):
    courses: list[RevenueRow]
    months: list[RevenueRow]


class CouponView(BaseModel):
    id: int
    code: str
    off: str
    scope: str
    uses: str
    active: bool
    window: str


class CouponIn(BaseModel):
    model_config = {"extra": "forbid"}
    code: str = Field(min_length=1, max_length=40)
    kind: Literal["percent", "fixed"]
    amount: int = Field(ge=1, le=10**9, description="Percent (1-100) or an amount in minor units (cents)")
    course_id: int | None = Field(None, ge=1, le=MAX_ID, description="One of my courses (admins: empty = all)")
    valid_from: date | None = None
    valid_until: date | None = None
    max_redemptions: int | None = Field(None, ge=1, le=10**7)


def _create(session, actor, body: CouponIn):
    coupon = coupons.create(session, actor, body.code, body.kind, body.amount, course_id=body.course_id,
                            valid_from=body.valid_from.isoformat() if body.valid_from else None,
                            valid_until=body.valid_until.isoformat() if body.valid_until else None,
                            max_redemptions=body.max_redemptions)
    return _view(session, coupon)


def _view(session, coupon):
    from lms_app.core.courses import Course

    course = session.get(Course, coupon.course_id) if coupon.course_id else None
    return coupons.coupon_view(coupon, course.title if course else None)


def _deactivate(session, actor, coupon_id):
    coupon = coupons.set_active(session, actor, coupon_id, False)
    return _view(session, coupon)


@router.get("/teach/revenue", response_model=Revenue, responses=responses(401, 403, 429),
            summary="My earnings per course and per month")
async def my_revenue(principal: Principal = Depends(require("teach"))):
    return await call(revenue.teacher_revenue, principal.actor)


@router.get("/teach/coupons", response_model=list[CouponView], responses=responses(401, 403, 429),
            summary="Coupons for my courses (admins: all), newest first")
async def my_coupons(principal: Principal = Depends(require("teach"))):
    return await call(coupons.list_for, principal.actor)


@router.post("/teach/coupons", response_model=CouponView, status_code=201, responses=responses(401, 403, 422, 429),
             summary="Create a coupon for one of my courses")
async def create_coupon(body: CouponIn, principal: Principal = Depends(require("teach"))):
    return await call(_create, principal.actor, body)


@router.post("/teach/coupons/{coupon_id}/deactivate", response_model=CouponView,
             responses=responses(401, 403, 422, 429), summary="Switch a coupon off")
async def deactivate_coupon(coupon_id: int = Path(ge=1, le=MAX_ID), principal: Principal = Depends(require("teach"))):
    return await call(_deactivate, principal.actor, coupon_id)
