"""/become-teacher: a learner asks to teach and later sees the outcome (and the admin's message)."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.forms import field
from lms_app.ui.layout import loading_block, page_heading, page_shell
from lms_app.ui.links import link_button
from lms_app.core.db import run_db
from lms_app.admin.services import teacher_applications
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import LEARNER_AREA
from lms_app.admin.services.teacher_applications import MyApplicationView
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded

ROUTE = "/become-teacher"
TITLE = "Become a teacher"
EMPTY = MyApplicationView(status="", motivation="", links="", message="", submitted="", decided="")


class BecomeTeacherState(rx.State):
    application: MyApplicationView = EMPTY
    role: str = ""
    loaded: bool = False
    error: str = ""
    error_field: str = ""
    busy: bool = False

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        actor = current_actor()
        self.application = await run_db(teacher_applications.mine, actor) or EMPTY
        self.role, self.error, self.loaded = actor.role, "", True

    @rx.event
    @guarded(LEARNER_AREA)
    async def submit(self, form: dict):
        form = form if isinstance(form, dict) else {}
        self.busy = True
        yield
        try:
            await run_db(teacher_applications.apply, current_actor(), form.get("motivation"), form.get("links"))
        except ServiceError as exc:
            self.busy, self.error, self.error_field = False, exc.message, exc.field or ""
            return
        self.busy, self.error, self.error_field = False, "", ""
        self.application = await run_db(teacher_applications.mine, current_actor()) or EMPTY
        yield rx.toast.success("Application sent. An admin will review it.")


S = BecomeTeacherState


def _err(name: str):
    return rx.cond(S.error_field == name, S.error, "")


def apply_form() -> rx.Component:
    return rx.card(rx.form(rx.vstack(
        rx.heading("Apply to teach", size="4", as_="h2"),
        rx.text("Tell us what you would teach and why. An admin reads every application.", size="2",
                color=rx.color("gray", 11)),
        rx.cond((S.error != "") & (S.error_field == ""),
                rx.callout(S.error, icon="circle-alert", color_scheme="red", role="alert", width="100%")),
        rx.vstack(rx.el.label("Motivation", html_for="field-motivation",
                              style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
                  rx.text_area(id="field-motivation", name="motivation", rows="6", width="100%", required=True,
                               placeholder="What would you teach, and what experience do you have?"),
                  rx.cond(_err("motivation") != "", rx.text(_err("motivation"), size="1", color=rx.color("red", 11),
                                                           role="alert")),
                  spacing="1", width="100%"),
        field("Links (portfolio, profile; one per line or separated by spaces)", "links", _err("links"),
              placeholder="https://"),
        rx.button(rx.icon("send", size=16), "Send application", type="submit", loading=S.busy),
        spacing="3", width="100%", align="start"), on_submit=S.submit, reset_on_submit=False), width="100%")


def status_card() -> rx.Component:
    a = S.application
    return rx.card(rx.vstack(
        rx.match(a["status"],
                 ("pending", rx.callout("Your application is waiting for review (sent " + a["submitted"] + ").",
                                        icon="clock", color_scheme="amber", width="100%")),
                 ("approved", rx.callout("Approved on " + a["decided"] + ": you can now create courses.",
                                         icon="circle-check", color_scheme="green", width="100%")),
                 ("rejected", rx.callout("Not approved this time (" + a["decided"] + ").", icon="circle-x",
                                         color_scheme="red", width="100%")),
                 rx.fragment()),
        rx.cond(a["message"] != "", rx.vstack(rx.text("Message from the admin", weight="bold", size="2"),
                                              rx.text(a["message"], white_space="pre-wrap", size="2"),
                                              spacing="1")),
        rx.text("Your motivation", weight="bold", size="2"),
        rx.text(a["motivation"], white_space="pre-wrap", size="2", color=rx.color("gray", 11)),
        spacing="3", width="100%", align="start"), width="100%")


def page() -> rx.Component:
    return page_shell(
        page_heading("Become a teacher", "Share what you know: create courses for learners on the platform."),
        rx.cond(
            S.loaded,
            rx.vstack(
                rx.cond(S.role != "learner",
                        rx.callout("Your account can already teach.", icon="presentation", width="100%")),
                rx.cond(S.application["status"] != "", status_card()),
                rx.cond((S.role == "learner") & (S.application["status"] != "pending"), apply_form()),
                rx.cond(S.role != "learner",
                        link_button(rx.icon("presentation", size=16), "Go to your teaching dashboard", href="/teach")),
                spacing="4", width="100%", max_width="720px"),
            loading_block(),
        ),
    )


ON_LOAD = [AuthState.refresh, BecomeTeacherState.load]
