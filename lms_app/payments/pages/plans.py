"""Subscription pages: /plans (learners subscribe at Stripe), /admin/plans (admins create plans),
and the "Subscription" card of the profile page (cancel at period end, confirmed first)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from lms_app.ui.wording import status_text

from lms_app.core.auth_state import AuthState
from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded, public, resolve
from lms_app.core.permissions import ADMIN_AREA, LEARNER_AREA
from lms_app.core.settings import get_settings
from lms_app.ui.forms import field
from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell, profile_card

_LABEL = {"fontSize": "var(--font-size-2)", "fontWeight": "500"}


class PlanView(TypedDict):
    id: int
    name: str
    interval: str
    price_label: str
    scope: str
    trial: str
    current: bool
    current_note: str


class SubView(TypedDict):
    id: int
    plan: str
    status: str
    note: str
    price_label: str
    can_cancel: bool


class CourseChoice(TypedDict):
    id: str
    title: str


def _gateway():
    from lms_app.payments.services.subscriptions import billing_gateway

    return billing_gateway(get_settings())


def _plans(session, user_id: int | None = None):
    from lms_app.payments.services import subscriptions

    return subscriptions.plans_view(session, user_id)


def _subscribe(session, actor, plan_id):
    from lms_app.payments.services import subscriptions

    return subscriptions.subscribe(session, actor, plan_id, _gateway())


def _mine(session, actor):
    from lms_app.payments.services import subscriptions

    return subscriptions.mine(session, actor)


def _cancel(session, actor, sub_id):
    from lms_app.payments.services import subscriptions

    subscriptions.cancel_at_period_end(session, actor, sub_id, _gateway())


def _course_choices(session, actor):
    from sqlmodel import select

    from lms_app.core.courses import Course
    from lms_app.core.permissions import require_role

    require_role(actor, ADMIN_AREA)
    rows = session.exec(select(Course.id, Course.title).where(Course.status == "published")
                        .order_by(Course.title).limit(500)).all()
    return [CourseChoice(id=str(cid), title=title) for cid, title in rows]


def _create(session, actor, form: dict, course_ids: list):
    from lms_app.payments.services import subscriptions

    raw_price = str(form.get("price", "")).strip()
    try:
        price = round(float(raw_price) * 100) if raw_price else 0
    except ValueError:
        raise ServiceError("Enter a price such as 29.00.", "price") from None
    trial = str(form.get("trial_days", "") or "0").strip()
    subscriptions.create_plan(session, actor, form.get("name"), form.get("interval"), price,
                              str(form.get("currency", "USD")).strip().upper(),
                              int(trial) if trial.isdigit() else -1,
                              course_ids if form.get("scope") == "list" else None)


class PlansState(rx.State):
    plans: list[PlanView] = []
    loaded: bool = False
    busy_id: int = 0
    error: str = ""
    subscribed: bool = False

    @rx.event
    @public
    async def load(self):
        """Plans for everyone; a signed-in viewer's own plans are marked (viewer from the cookie)."""
        found = await resolve(self)
        self.plans = await run_db(_plans, found[0].user_id if found else None)
        self.subscribed = self.router.url.query_parameters.get("subscribed") == "1"
        self.error, self.busy_id, self.loaded = "", 0, True

    @rx.event
    @guarded(LEARNER_AREA)
    async def subscribe(self, plan_id: int):
        if self.busy_id:
            return
        self.busy_id, self.error = plan_id if isinstance(plan_id, int) else -1, ""
        yield
        try:
            url = await run_db(_subscribe, current_actor(), plan_id)
        except ServiceError as exc:
            self.busy_id, self.error = 0, exc.message
            yield rx.toast.error(exc.message)
            return
        yield rx.redirect(url)


def _plan_card(p) -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.heading(p["name"], size="5", as_="h2"), rx.spacer(),
                  rx.badge(rx.cond(p["interval"] == "year", "Yearly", "Monthly"), variant="soft"),
                  width="100%", align="center"),
        rx.text(p["price_label"], size="6", weight="bold"),
        rx.hstack(rx.icon("library", size=16), rx.text(p["scope"], size="2"), align="center"),
        rx.cond(p["trial"] != "", rx.hstack(rx.icon("gift", size=16), rx.text(p["trial"], size="2"),
                                            align="center")),
        rx.text("Cancel any time: access continues to the end of the paid period.", size="1",
                color=rx.color("gray", 11)),
        rx.cond(p["current"],
                rx.vstack(rx.badge(rx.icon("circle-check", size=14), "Current plan", color_scheme="green", size="2"),
                          rx.text(p["current_note"], size="2"),
                          rx.link("Manage it on your profile", href="/profile", size="2"), spacing="2"),
                rx.button(rx.icon("credit-card", size=16), "Subscribe", size="3", width="100%",
                          loading=PlansState.busy_id == p["id"], on_click=PlansState.subscribe(p["id"]),
                          id="subscribe-" + p["id"].to_string())),
        spacing="3", width="100%", align="start"), width="100%")


def plans_page() -> rx.Component:
    return page_shell(
        page_heading("All-access plans", "One subscription, every course it includes, while it is active."),
        rx.cond(PlansState.subscribed,
                rx.callout("Thank you! Your subscription is active: open any included course.", icon="circle-check",
                           color_scheme="green", width="100%")),
        rx.cond(PlansState.error != "", rx.callout(PlansState.error, icon="circle-alert", color_scheme="red",
                                                   role="alert", width="100%")),
        rx.cond(PlansState.loaded,
                rx.cond(PlansState.plans.length() > 0,
                        rx.grid(rx.foreach(PlansState.plans, _plan_card),
                                columns=rx.breakpoints(initial="1", sm="2", lg="3"), spacing="4", width="100%"),
                        empty_state("library", "No plans yet", "Courses are sold one by one for now.")),
                loading_block()),
    )


class FlagView(TypedDict):
    id: int
    when: str
    provider: str
    reference: str
    detail: str


def _flags(session, actor):
    from lms_app.payments.services import subscriptions

    return subscriptions.flags_view(session, actor)


class AdminPlansState(rx.State):
    plans: list[PlanView] = []
    flags: list[FlagView] = []
    choices: list[CourseChoice] = []
    scope: str = "all"
    loaded: bool = False
    error: str = ""
    error_field: str = ""

    @rx.event
    @guarded(ADMIN_AREA)
    async def load(self):
        self.plans = await run_db(_plans)
        self.choices = await run_db(_course_choices, current_actor())
        self.flags = await run_db(_flags, current_actor())
        self.error, self.error_field, self.loaded = "", "", True

    @rx.event
    @guarded(ADMIN_AREA)
    async def choose_scope(self, value: str):
        self.scope = "list" if value == "list" else "all"

    @rx.event
    @guarded(ADMIN_AREA)
    async def create(self, form: dict):
        form = form if isinstance(form, dict) else {}
        ids = [k[7:] for k, v in form.items() if isinstance(k, str) and k.startswith("course-") and v]
        try:
            await run_db(_create, current_actor(), form, ids)
        except ServiceError as exc:
            self.error, self.error_field = exc.message, exc.field or ""
            return
        self.error, self.error_field = "", ""
        self.plans = await run_db(_plans)
        return rx.toast.success("Plan created.")


def _err(name: str):
    return rx.cond(AdminPlansState.error_field == name, AdminPlansState.error, "")


def _admin_form() -> rx.Component:
    return rx.card(rx.form(rx.vstack(
        rx.heading("New plan", size="4", as_="h2"),
        rx.cond((AdminPlansState.error != "") & (AdminPlansState.error_field == ""),
                rx.callout(AdminPlansState.error, icon="circle-alert", color_scheme="red", role="alert")),
        rx.grid(
            field("Name", "name", _err("name"), placeholder="All access", required=True),
            rx.vstack(rx.el.label("Billing", html_for="plan-interval", style=_LABEL),
                      rx.el.select(rx.el.option("Monthly", value="month"), rx.el.option("Yearly", value="year"),
                                   id="plan-interval", name="interval", class_name="lms-native-select"),
                      spacing="1", width="100%"),
            field("Price", "price", _err("price"), placeholder="29.00", input_mode="decimal", required=True),
            field("Currency", "currency", _err("currency"), default_value="USD", max_length=3),
            field("Free trial days", "trial_days", _err("trial_days"), type="number", min=0, max=90),
            rx.vstack(rx.el.label("Courses", html_for="plan-scope", style=_LABEL),
                      rx.el.select(rx.el.option("Every course", value="all"),
                                   rx.el.option("Chosen courses", value="list"),
                                   id="plan-scope", name="scope", class_name="lms-native-select",
                                   on_change=AdminPlansState.choose_scope),
                      spacing="1", width="100%"),
            columns=rx.breakpoints(initial="1", md="2"), spacing="3", width="100%"),
        rx.cond(AdminPlansState.scope == "list", rx.vstack(
            rx.text("Included courses", size="2", weight="medium"),
            rx.cond(_err("courses") != "", rx.text(_err("courses"), color=rx.color("red", 11), size="1")),
            rx.box(rx.foreach(AdminPlansState.choices,
                              lambda c: rx.checkbox(c["title"], name="course-" + c["id"], size="2")),
                   display="grid", gap="0.5rem", max_height="240px", overflow_y="auto", width="100%"),
            spacing="2", width="100%")),
        rx.button(rx.icon("plus", size=16), "Create plan", type="submit"),
        spacing="3", width="100%", align="start"),
        on_submit=AdminPlansState.create, reset_on_submit=False), width="100%")


def _admin_row(p) -> rx.Component:
    return rx.table.row(rx.table.cell(p["name"]), rx.table.cell(p["price_label"]), rx.table.cell(p["scope"]),
                        rx.table.cell(p["trial"]))


def _flags_card() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Flagged payments", size="4", as_="h2"),
        rx.text("A provider reported another amount or currency than the order's: the order was refused. "
                "Check the payment in the provider's dashboard and refund it there if money was taken.",
                size="2", color=rx.color("gray", 11)),
        rx.cond(AdminPlansState.flags.length() > 0,
                rx.box(rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                        "When (UTC)", "Provider", "Reference", "What")])),
                    rx.table.body(rx.foreach(AdminPlansState.flags, lambda f: rx.table.row(
                        rx.table.cell(f["when"]), rx.table.cell(f["provider"]), rx.table.cell(rx.code(f["reference"])),
                        rx.table.cell(f["detail"])))), variant="surface", width="100%"),
                    width="100%", overflow_x="auto"),
                rx.hstack(rx.icon("circle-check", size=16, color=rx.color("green", 11)),
                          rx.text("No flagged payments.", size="2"), align="center")),
        spacing="3", width="100%", align="start"), width="100%")


def admin_page() -> rx.Component:
    return page_shell(
        page_heading("Plans & payments", "Subscription plans (monthly or yearly access to every course or a "
                                          "chosen set) and flagged provider payments."),
        rx.cond(AdminPlansState.loaded, rx.vstack(
            _admin_form(),
            rx.cond(AdminPlansState.plans.length() > 0,
                    rx.box(rx.table.root(
                        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                            "Plan", "Price", "Courses", "Trial")])),
                        rx.table.body(rx.foreach(AdminPlansState.plans, _admin_row)), variant="surface",
                        width="100%"), width="100%", overflow_x="auto"),
                    empty_state("library", "No plans yet", "Create one above; learners see it at /plans.")),
            _flags_card(),
            spacing="5", width="100%"), loading_block()),
    )


class SubscriptionSectionState(rx.State):
    subs: list[SubView] = []
    confirm_id: int = 0
    busy: bool = False

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        self.subs, self.confirm_id, self.busy = await run_db(_mine, current_actor()), 0, False

    @rx.event
    @guarded(LEARNER_AREA)
    async def ask(self, sub_id: int):
        self.confirm_id = sub_id if isinstance(sub_id, int) else 0

    @rx.event
    @guarded(LEARNER_AREA)
    async def dismiss(self):
        self.confirm_id = 0

    @rx.event
    @guarded(LEARNER_AREA)
    async def cancel(self):
        if self.busy or not self.confirm_id:
            return
        self.busy = True
        yield
        try:
            await run_db(_cancel, current_actor(), self.confirm_id)
        except ServiceError as exc:
            self.busy, self.confirm_id = False, 0
            yield rx.toast.error(exc.message)
            return
        self.subs, self.confirm_id, self.busy = await run_db(_mine, current_actor()), 0, False
        yield rx.toast.success("Your subscription will not renew. Access continues to the end of the period.")


S = SubscriptionSectionState


def _sub_row(s) -> rx.Component:
    return rx.hstack(
        rx.vstack(rx.text(s["plan"], weight="bold"), rx.text(s["price_label"], size="2"),
                  rx.cond(s["note"] != "", rx.text(s["note"], size="1", color=rx.color("gray", 11))),
                  spacing="1", align="start"),
        rx.spacer(),
        rx.badge(status_text(s["status"]), color_scheme=rx.match(s["status"], ("active", "green"), ("trialing", "green"),
                                                    ("past_due", "amber"), "gray"), variant="soft"),
        rx.cond(s["can_cancel"], rx.button("Cancel renewal", size="1", variant="soft", color_scheme="red",
                                           on_click=S.ask(s["id"]))),
        width="100%", align="center", wrap="wrap", spacing="3")


def subscription_section() -> rx.Component:
    return rx.box(profile_card(
        "Subscription", "Your all-access plans. Cancelling stops renewal; access continues to the end of the "
                        "paid period.",
        rx.cond(S.subs.length() > 0, rx.vstack(rx.foreach(S.subs, _sub_row), spacing="3", width="100%"),
                rx.hstack(rx.text("No subscription.", size="2"), rx.link("See the plans", href="/plans", size="2"),
                          spacing="2")),
        rx.alert_dialog.root(rx.alert_dialog.content(
            rx.alert_dialog.title("Cancel renewal?"),
            rx.alert_dialog.description("The plan will not renew. You keep access until the end of the period "
                                        "you paid for; after that, included courses lock again."),
            rx.hstack(rx.button("Keep my plan", variant="soft", color_scheme="gray", on_click=S.dismiss),
                      rx.button("Cancel renewal", color_scheme="red", loading=S.busy, on_click=S.cancel,
                                id="confirm-cancel-renewal"),
                      justify="end", width="100%", margin_top="1rem")),
            open=S.confirm_id != 0),
    ), on_mount=S.load, width="100%")


ROUTE = "/plans"
TITLE = "Plans"
ON_LOAD = [AuthState.refresh, PlansState.load]
