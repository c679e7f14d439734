"""REST for admins: accounts (list, role, deactivate), teacher applications, course reviews,
categories, orders and refunds, and the audit log: the admin pages' own services."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from lms_app.admin.services import categories, teacher_applications, users
from lms_app.api.deps import require
from lms_app.commerce.rest import OrderView
from lms_app.api.dto import model_of
from lms_app.api.errors import responses
from lms_app.api.services.tokens import Principal
from lms_app.api.staff import MAX_ID, Reason, call
from lms_app.authoring.services import review
from lms_app.commerce.services import orders, refunds
from lms_app.core import audit
from lms_app.core.db import run_db

router = APIRouter(tags=["admin"])
def Id():
    return Path(ge=1, le=MAX_ID)


class UserPage(BaseModel):
    rows: list[model_of(users.UserRowView)]
    total: int
    page: int
    pages: int


@router.get("/admin/users", response_model=UserPage, responses=responses(401, 403, 429), summary="Accounts, newest first")
async def list_users(q: str = Query("", max_length=100), role: Literal["", "learner", "teacher", "admin"] = "",
                     status: Literal["", "active", "inactive"] = "", page: int = Query(1, ge=1, le=100_000),
                     principal: Principal = Depends(require("admin"))) -> UserPage:
    return UserPage(**await run_db(users.search, principal.actor, q, role, status, page))


# --- accounts: role, deactivate / reactivate -------------------------------------------------------

class RoleIn(BaseModel):
    model_config = {"extra": "forbid"}
    role: Literal["learner", "teacher", "admin"]


def _set_role(session, actor, user_id, role):
    return users.row_view(users.set_role(session, actor, user_id, role))


def _set_active(session, actor, user_id, active):
    return users.row_view(users.set_active(session, actor, user_id, active))


_UserRow = model_of(users.UserRowView)
_ADMIN = responses(401, 403, 404, 422, 429)


@router.post("/admin/users/{user_id}/role", response_model=_UserRow, responses=_ADMIN, summary="Change a role")
async def change_role(body: RoleIn, user_id: int = Id(), principal: Principal = Depends(require("admin"))):
    return await call(_set_role, principal.actor, user_id, body.role)


@router.post("/admin/users/{user_id}/deactivate", response_model=_UserRow, responses=_ADMIN,
             summary="Deactivate an account: ends its web sessions, API refresh tokens and personal tokens")
async def deactivate(user_id: int = Id(), principal: Principal = Depends(require("admin"))):
    return await call(_set_active, principal.actor, user_id, False)


@router.post("/admin/users/{user_id}/reactivate", response_model=_UserRow, responses=_ADMIN,
             summary="Reactivate an account (its old tokens stay revoked)")
async def reactivate(user_id: int = Id(), principal: Principal = Depends(require("admin"))):
    return await call(_set_active, principal.actor, user_id, True)


# --- teacher applications ------------------------------------------------------------------------

class DecisionIn(BaseModel):
    model_config = {"extra": "forbid"}
    message: str = Field("", max_length=1000, description="To the applicant (at least 10 characters to reject)")


def _decide(session, actor, application_id, approve, message):
    row = teacher_applications.decide(session, actor, application_id, approve, message)
    return Decided(id=row.id, status=row.status)


class Decided(BaseModel):
    id: int
    status: str


@router.get("/admin/teacher-applications", response_model=list[model_of(teacher_applications.ApplicationRowView)],
            responses=responses(401, 403, 429), summary="Open teacher applications, oldest first")
async def applications(principal: Principal = Depends(require("admin"))):
    return await call(teacher_applications.pending, principal.actor)


@router.post("/admin/teacher-applications/{application_id}/approve", response_model=Decided, responses=_ADMIN,
             summary="Approve: the applicant becomes a teacher")
async def approve_application(body: DecisionIn, application_id: int = Id(),
                              principal: Principal = Depends(require("admin"))):
    return await call(_decide, principal.actor, application_id, True, body.message)


@router.post("/admin/teacher-applications/{application_id}/reject", response_model=Decided, responses=_ADMIN,
             summary="Reject with a message to the applicant")
async def reject_application(body: DecisionIn, application_id: int = Id(),
                             principal: Principal = Depends(require("admin"))):
    return await call(_decide, principal.actor, application_id, False, body.message)


# --- course reviews ------------------------------------------------------------------------------

class ReviewRow(BaseModel):
    id: int
    title: str
    teacher_name: str
    submitted: str


class CourseStatus(BaseModel):
    id: int
    status: str
    review_note: str


def _course_status(course) -> CourseStatus:
    return CourseStatus(id=course.id, status=course.status, review_note=course.review_note)


def _approve_course(session, actor, course_id):
    return _course_status(review.approve(session, actor, course_id))


def _reject_course(session, actor, course_id, reason):
    return _course_status(review.reject(session, actor, course_id, reason))


@router.get("/admin/course-reviews", response_model=list[ReviewRow], responses=responses(401, 403, 429),
            summary="Courses waiting for review, oldest submission first")
async def review_queue(principal: Principal = Depends(require("admin"))):
    return await call(review.queue, principal.actor)


@router.post("/admin/course-reviews/{course_id}/approve", response_model=CourseStatus, responses=_ADMIN,
             summary="Publish a pending course")
async def approve_course(course_id: int = Id(), principal: Principal = Depends(require("admin"))):
    return await call(_approve_course, principal.actor, course_id)


@router.post("/admin/course-reviews/{course_id}/reject", response_model=CourseStatus, responses=_ADMIN,
             summary="Send a pending course back with the reason")
async def reject_course(body: Reason, course_id: int = Id(), principal: Principal = Depends(require("admin"))):
    return await call(_reject_course, principal.actor, course_id, body.reason)


# --- categories ----------------------------------------------------------------------------------

class CategoryIn(BaseModel):
    model_config = {"extra": "forbid"}
    name: str = Field(min_length=1, max_length=80)
    description: str = Field("", max_length=500)


class MoveIn(BaseModel):
    model_config = {"extra": "forbid"}
    direction: Literal["up", "down"]


_Categories = list[model_of(categories.CategoryRowView)]


def _cat_create(session, actor, body: CategoryIn):
    categories.create(session, actor, body.name, body.description)
    return categories.listing(session, actor)


def _cat_update(session, actor, category_id, body: CategoryIn):
    categories.update(session, actor, category_id, body.name, body.description)
    return categories.listing(session, actor)


def _cat_move(session, actor, category_id, direction):
    categories.move(session, actor, category_id, direction)
    return categories.listing(session, actor)


def _cat_delete(session, actor, category_id):
    categories.delete(session, actor, category_id)
    return categories.listing(session, actor)


@router.get("/admin/categories", response_model=_Categories, responses=responses(401, 403, 429),
            summary="Categories in order, with how many courses use each")
async def list_categories(principal: Principal = Depends(require("admin"))):
    return await call(categories.listing, principal.actor)


@router.post("/admin/categories", response_model=_Categories, status_code=201, responses=responses(401, 403, 422, 429),
             summary="Create a category (at the end)")
async def create_category(body: CategoryIn, principal: Principal = Depends(require("admin"))):
    return await call(_cat_create, principal.actor, body)


@router.put("/admin/categories/{category_id}", response_model=_Categories, responses=_ADMIN,
            summary="Rename or describe a category")
async def update_category(body: CategoryIn, category_id: int = Id(), principal: Principal = Depends(require("admin"))):
    return await call(_cat_update, principal.actor, category_id, body)


@router.post("/admin/categories/{category_id}/move", response_model=_Categories, responses=_ADMIN,
             summary="Move a category up or down")
async def move_category(body: MoveIn, category_id: int = Id(), principal: Principal = Depends(require("admin"))):
    return await call(_cat_move, principal.actor, category_id, body.direction)


@router.delete("/admin/categories/{category_id}", response_model=_Categories, responses=_ADMIN,
               summary="Delete an unused category")
async def delete_category(category_id: int = Id(), principal: Principal = Depends(require("admin"))):
    return await call(_cat_delete, principal.actor, category_id)


# --- orders and refunds --------------------------------------------------------------------------

class OrderPage(BaseModel):
    rows: list[OrderView]
    next: int = Field(description="Pass as ``before`` for the next page (0: this is the last page)")


def _orders(session, actor, q, status, before):
    rows, nxt = orders.admin_page(session, actor, q, status, before)
    return OrderPage(rows=rows, next=nxt)


def _refund(session, actor, order_id, reason):
    from lms_app.commerce.gateways import get_gateway
    from lms_app.core.settings import get_settings

    try:
        gateway = get_gateway(get_settings())
    except RuntimeError:
        gateway = None
    order = refunds.refund(session, actor, order_id, reason, gateway)
    return OrderView(**orders.order_row(order))


@router.get("/admin/orders", response_model=OrderPage, responses=responses(401, 403, 429),
            summary="Orders, newest first (failed attempts left out); keyset pages")
async def list_orders(q: str = Query("", max_length=100, description="An order number or text in the buyer's "
                                                                      "e-mail or the course title"),
                      status: Literal["", "paid", "refunded", "pending"] = "",
                      before: int | None = Query(None, ge=1, le=MAX_ID),
                      principal: Principal = Depends(require("admin"))):
    return await call(_orders, principal.actor, q, status, before)


@router.post("/admin/orders/{order_id}/refund", response_model=OrderView, responses=_ADMIN,
             summary="Refund a paid order (removes the enrolment; the gateway refunds the payment)")
async def refund_order(body: Reason, order_id: int = Id(), principal: Principal = Depends(require("admin"))):
    return await call(_refund, principal.actor, order_id, body.reason)


# --- audit log -----------------------------------------------------------------------------------

class AuditPage(BaseModel):
    rows: list[model_of(audit.AuditView)]
    next: int = Field(description="Pass as ``before`` for the next page (0: this is the last page)")


@router.get("/admin/audit", response_model=AuditPage, responses=responses(401, 403, 429),
            summary="The audit log, newest first, with the admin page's filters; cursor pages")
async def audit_log(q: str = Query("", max_length=100, description="Text in the admin's name, the summary or the "
                                                                   "target type"),
                    action: str = Query("", max_length=40, description="An action key, e.g. user.deactivate"),
                    before: int | None = Query(None, ge=1, le=MAX_ID, description="The cursor: ``next`` of the "
                                                                                  "previous page"),
                    limit: int = Query(25, ge=1, le=100), principal: Principal = Depends(require("admin"))):
    return await call(audit.cursor_page, principal.actor, q, action, before, limit)
