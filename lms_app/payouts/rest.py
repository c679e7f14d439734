"""REST for payout statements: a teacher's own statements (list and one with its lines) and, for
admins, every teacher's statements of ended months and "mark paid" — the pages' own services."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from lms_app.api.deps import require
from lms_app.api.dto import model_of
from lms_app.api.errors import responses
from lms_app.api.services.tokens import Principal
from lms_app.api.staff import MAX_ID, call
from lms_app.payouts import services

router = APIRouter(tags=["payouts"])

StatementView = model_of(services.StatementView)
LineView = model_of(services.LineView)
MONTH = r"^20\d\d-(0[1-9]|1[0-2])$"
CURRENCY = r"^[A-Za-z]{3}$"


class StatementPage(BaseModel):
    rows: list[StatementView]
    page: int
    pages: int
    total: int


class StatementDetail(BaseModel):
    statement: StatementView
    lines: list[LineView]
    note: str = Field(description="How refunds after payment are booked")


class MarkPaid(BaseModel):
    model_config = {"extra": "forbid"}
    reference: str = Field(min_length=1, max_length=120, description="The transfer's reference, kept with the payment")


@router.get("/teach/payouts", response_model=StatementPage, responses=responses(401, 403, 429),
            summary="My payout statements per month and currency, newest first")
async def my_statements(page: int = Query(1, ge=1, le=100_000), principal: Principal = Depends(require("teach"))):
    return await call(services.teacher_statements, principal.actor, page)


@router.get("/teach/payouts/{month}/{currency}", response_model=StatementDetail,
            responses=responses(401, 403, 404, 429), summary="One of my statements with a line per item sold")
async def my_statement(month: str = Path(pattern=MONTH), currency: str = Path(pattern=CURRENCY),
                       principal: Principal = Depends(require("teach"))):
    return await call(services.statement, principal.actor, principal.actor.user_id, month, currency)


@router.get("/admin/payouts", response_model=StatementPage, responses=responses(401, 403, 422, 429),
            summary="Every teacher's statements of ended months")
async def all_statements(month: str = Query("", pattern=r"^(|20\d\d-(0[1-9]|1[0-2]))$",
                                           description="YYYY-MM; empty: every ended month"),
                         status: Literal["", "due", "paid"] = "", page: int = Query(1, ge=1, le=100_000),
                         principal: Principal = Depends(require("admin"))):
    return await call(services.admin_statements, principal.actor, month, status, page)


@router.post("/admin/payouts/{teacher_id}/{month}/{currency}/mark-paid", response_model=StatementView,
             responses=responses(401, 403, 404, 422, 429), summary="Mark a statement paid (once; audited)")
async def mark_paid(body: MarkPaid, teacher_id: int = Path(ge=1, le=MAX_ID), month: str = Path(pattern=MONTH),
                    currency: str = Path(pattern=CURRENCY), principal: Principal = Depends(require("admin"))):
    return await call(services.mark_paid, principal.actor, teacher_id, month, currency, body.reference)
