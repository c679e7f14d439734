"""Coupons at /admin/coupons (site-wide and any course) and /teach/coupons (own courses only).

One page state; the service decides what each role may create, list and switch off.
"""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from lms_app.ui.forms import field
from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell
from lms_app.core.db import run_db
from lms_app.commerce.services import coupons
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import TEACHER_AREA
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded


class CouponView(TypedDict):
    id: int
    code: str
    off: str
    scope: str
    uses: str
    active: bool
    window: str


class ChoiceView(TypedDict):
    id: str
    title: str


def _create(session, actor, form: dict):
    course = form.get("course_id")
    coupons.create(session, actor, form.get("code"), form.get("kind"), form.get("amount"),
                   course_id=None if course in (None, "", "all") else course,
                   valid_from=form.get("valid_from"), valid_until=form.get("valid_until"),
                   max_redemptions=form.get("max_redemptions"))


class CouponsState(rx.State):
    rows: list[CouponView] = []
    choices: list[ChoiceView] = []
    is_admin: bool = False
    loaded: bool = False
    error: str = ""
    error_field: str = ""

    @rx.event
    @guarded(TEACHER_AREA)
    async def load(self):
        await self._fill(current_actor())

    async def _fill(self, actor):
        self.rows = await run_db(coupons.list_for, actor)
        self.choices = await run_db(coupons.course_choices, actor)
        self.is_admin, self.error, self.loaded = actor.role == "admin", "", True

    @rx.event
    @guarded(TEACHER_AREA)
    async def load_admin(self):
        """/admin/coupons: admins only; a teacher is sent to their own coupons page, with a word why."""
        if current_actor().role != "admin":
            self.rows, self.choices, self.loaded = [], [], False
            return [rx.toast.info("Coupons for your own courses are under Teach → Coupons."),
                    rx.redirect("/teach/coupons", replace=True)]
        await self._fill(current_actor())

    @rx.event
    @guarded(TEACHER_AREA)
    async def create(self, form: dict):
        try:
            await run_db(_create, current_actor(), form if isinstance(form, dict) else {})
        except ServiceError as exc:
            self.error, self.error_field = exc.message, exc.field or ""
            return
        self.error, self.error_field = "", ""
        self.rows = await run_db(coupons.list_for, current_actor())
        return rx.toast.success("Coupon created.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def toggle(self, coupon_id: int, active: bool):
        try:
            await run_db(coupons.set_active, current_actor(), coupon_id, active is True)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        self.rows = await run_db(coupons.list_for, current_actor())


def _err(name: str):
    return rx.cond(CouponsState.error_field == name, CouponsState.error, "")


def create_form() -> rx.Component:
    label = {"fontSize": "var(--font-size-2)", "fontWeight": "500"}
    return rx.card(rx.form(
        rx.vstack(
            rx.heading("New coupon", size="4", as_="h2"),
            rx.cond((CouponsState.error != "") & (CouponsState.error_field == ""),
                    rx.callout(CouponsState.error, icon="circle-alert", color_scheme="red", role="alert")),
            rx.grid(
                field("Code", "code", _err("code"), placeholder="SPRING25", required=True),
                rx.vstack(rx.el.label("Discount type", html_for="coupon-kind", style=label),
                          rx.el.select(rx.el.option("Percent off", value="percent"),
                                       rx.el.option("Fixed amount off (cents)", value="fixed"),
                                       id="coupon-kind", name="kind", class_name="lms-native-select"),
                          spacing="1", width="100%"),
                field("Amount (percent or cents)", "amount", _err("amount"), type="number", min=1, required=True),
                rx.vstack(rx.el.label("Course", html_for="coupon-course", style=label),
                          rx.el.select(rx.cond(CouponsState.is_admin, rx.el.option("All courses", value="all")),
                                       rx.foreach(CouponsState.choices,
                                                  lambda c: rx.el.option(c["title"], value=c["id"])),
                                       id="coupon-course", name="course_id", class_name="lms-native-select"),
                          rx.cond(_err("course_id") != "", rx.text(_err("course_id"), color=rx.color("red", 11),
                                                                   size="1")),
                          spacing="1", width="100%"),
                field("Valid from", "valid_from", _err("valid_from"), type="date"),
                field("Valid until", "valid_until", _err("valid_until"), type="date"),
                field("Total uses (empty = unlimited)", "max_redemptions", _err("max_redemptions"), type="number",
                      min=1),
                columns=rx.breakpoints(initial="1", md="2"), spacing="3", width="100%",
            ),
            rx.text("Each learner may use a coupon once.", size="1", color=rx.color("gray", 11)),
            rx.button(rx.icon("plus", size=16), "Create coupon", type="submit"),
            spacing="3", width="100%", align="start",
        ),
        on_submit=CouponsState.create, reset_on_submit=False,
    ), width="100%")


def _row(c) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(c["code"])), rx.table.cell(c["off"]), rx.table.cell(c["scope"]),
        rx.table.cell(c["window"]), rx.table.cell(c["uses"]),
        rx.table.cell(rx.badge(rx.cond(c["active"], "Active", "Inactive"),
                               color_scheme=rx.cond(c["active"], "green", "gray"), variant="soft")),
        rx.table.cell(rx.button(rx.cond(c["active"], "Deactivate", "Activate"), size="1", variant="soft",
                                on_click=CouponsState.toggle(c["id"], ~c["active"]))),
    )


def page() -> rx.Component:
    return page_shell(
        page_heading("Coupons", "Discount codes for your courses."),
        rx.cond(
            CouponsState.loaded,
            rx.vstack(
                create_form(),
                rx.cond(CouponsState.rows.length() > 0,
                        rx.box(rx.table.root(
                            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                                "Code", "Discount", "Course", "Valid", "Uses", "Status", "")])),
                            rx.table.body(rx.foreach(CouponsState.rows, _row)), variant="surface", width="100%"),
                            width="100%", overflow_x="auto"),
                        empty_state("ticket-percent", "No coupons yet", "Create one above to offer a discount.")),
                spacing="5", width="100%",
            ),
            loading_block(),
        ),
    )


ROUTE = "/admin/coupons"
TITLE = "Coupons"
ON_LOAD = [AuthState.refresh, CouponsState.load_admin]
TEACH_ON_LOAD = [AuthState.refresh, CouponsState.load]
