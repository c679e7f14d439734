"""/account/privacy: download my data, delete my account (with what is kept, and why)."""

from __future__ import annotations

import reflex as rx

from lms_app.core.auth_state import AuthState
from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import LEARNER_AREA
from lms_app.core.settings import get_settings
from lms_app.core.users import User
from lms_app.privacy.services import personal_data
from lms_app.ui.links import anchor_button
from lms_app.ui.layout import loading_block, page_heading, page_shell, profile_card

DELETED_SCRIPT = (
    "fetch('/api/session',{method:'DELETE',credentials:'same-origin'})"
    ".finally(function(){sessionStorage.removeItem('token');window.location.replace('/account/deleted');})"
)


def _load(session, actor):
    user = session.get(User, actor.user_id)
    return personal_data.list_exports(session, actor), personal_data.blockers(session, user)


class PrivacyState(rx.State):
    exports: list[dict[str, str]] = []
    blockers: list[str] = []
    loaded: bool = False
    exporting: bool = False
    deleting: bool = False
    delete_error: str = ""

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        self.exports, self.blockers = await run_db(_load, current_actor())
        self.delete_error, self.loaded = "", True

    @rx.event
    @guarded(LEARNER_AREA)
    async def request_export(self):
        self.exporting = True
        yield
        try:
            view = await run_db(personal_data.request_export, get_settings(), current_actor())
        except ServiceError as exc:
            self.exporting = False
            yield rx.toast.error(exc.message)
            return
        self.exports, self.blockers = await run_db(_load, current_actor())
        self.exporting = False
        yield rx.toast.success("Your data is ready to download." if view["status"] == "ready"
                               else "Your export is being prepared: come back in a few minutes.")

    @rx.event
    @guarded(LEARNER_AREA)
    async def delete_account(self, form: dict):
        form = form if isinstance(form, dict) else {}
        self.delete_error = ""
        if form.get("confirm") != "on":
            self.delete_error = "Tick the box to confirm that you understand what is deleted and what is kept."
            return
        self.deleting = True
        yield
        try:
            await run_db(personal_data.erase_account, get_settings(), current_actor(), form.get("password"))
        except ServiceError as exc:
            self.delete_error, self.deleting = exc.message, False
            return
        self.deleting = False
        (await self.get_state(AuthState))._apply(None)
        yield rx.call_script(DELETED_SCRIPT)


def _export_row(e) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(e["created"], size="2"),
                                rx.cond(e["size"] != "", rx.text(e["size"], size="1", color_scheme="gray")),
                                spacing="0")),
        rx.table.cell(rx.match(e["status"],
                               ("ready", rx.badge("Ready", color_scheme="green")),
                               ("pending", rx.badge("Preparing…", color_scheme="amber")),
                               ("failed", rx.badge("Failed", color_scheme="red")),
                               rx.badge("Expired", color_scheme="gray"))),
        rx.table.cell(rx.cond(e["href"] != "",
                              anchor_button(rx.icon("download", size=14), "Download", href=e["href"], download=True,
                                            size="1", variant="soft"),
                              rx.text("until " + e["expires"], size="1", color_scheme="gray"))),
    )


def _export_section() -> rx.Component:
    return profile_card(
        "Download your data",
        "A zip with your profile, enrolments, progress, quiz attempts, submissions and their files, reviews, "
        "orders and certificates (JSON files plus what you uploaded). Links work for 7 days, only for you.",
        rx.button(rx.icon("archive", size=16), "Prepare my data", on_click=PrivacyState.request_export,
                  loading=PrivacyState.exporting, id="request-export"),
        rx.cond(PrivacyState.exports.length() > 0,
                rx.box(rx.table.root(
                    rx.table.header(rx.table.row(rx.table.column_header_cell("Asked"),
                                                 rx.table.column_header_cell("Status"),
                                                 rx.table.column_header_cell(""))),
                    rx.table.body(rx.foreach(PrivacyState.exports, _export_row)),
                    size="1", width="100%"), overflow_x="auto", width="100%"),
                rx.text("You have not asked for an export yet.", size="2", color_scheme="gray")),
    )


def _kept_list() -> rx.Component:
    return rx.vstack(
        rx.text("Deleted for good:", weight="bold", size="2"),
        rx.text("your name, e-mail address, password, photo and bio; your progress, quiz answers, submissions and "
                "their files, reviews and peer reviews; enrolments without a certificate; sign-in sessions.", size="2"),
        rx.text("Kept, as the law requires:", weight="bold", size="2"),
        rx.text("orders, payments and refunds (accounting records are kept for the statutory period), linked to a "
                "nameless \"Deleted account\".", size="2"),
        rx.text("Certificates already issued keep the name they were issued with and still verify, so anyone you "
                "showed one to can check it; the verify page adds that the holder closed their account.", size="2"),
        rx.text("You can register again later with the same e-mail address; the new account starts empty.", size="2"),
        spacing="1", align="start",
    )


def _delete_section() -> rx.Component:
    return profile_card(
        "Delete your account",
        "This cannot be undone. Download your data first if you want to keep it.",
        rx.callout(_kept_list(), icon="triangle-alert", color_scheme="red", width="100%"),
        rx.cond(
            PrivacyState.blockers.length() > 0,
            rx.callout(rx.vstack(rx.foreach(PrivacyState.blockers, lambda b: rx.text(b, size="2"))),
                       icon="lock", color_scheme="gray", width="100%", id="delete-blocked"),
            rx.form(
                rx.vstack(
                    rx.vstack(
                        rx.el.label("Your password", html_for="delete-password",
                                    style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
                        rx.input(id="delete-password", name="password", type="password",
                                 auto_complete="current-password", required=True, width="100%", max_width="360px"),
                        spacing="1", align="start", width="100%",
                    ),
                    rx.el.label(rx.hstack(rx.checkbox(name="confirm", id="delete-confirm",
                                                      aria_label="I understand my account and data will be deleted."),
                                          rx.text("I understand my account and data will be deleted.", size="2"),
                                          spacing="2", align="center")),
                    rx.cond(PrivacyState.delete_error != "",
                            rx.callout(PrivacyState.delete_error, icon="circle-alert", color_scheme="red",
                                       role="alert", width="100%")),
                    rx.button(rx.icon("trash-2", size=16), "Delete my account", type="submit", color_scheme="red",
                              loading=PrivacyState.deleting, id="delete-account"),
                    spacing="3", align="start", width="100%",
                ),
                on_submit=PrivacyState.delete_account, reset_on_submit=False, width="100%",
            ),
        ),
    )


def page() -> rx.Component:
    return page_shell(
        page_heading("Your data", "Download everything we hold about you, or delete your account."),
        rx.cond(PrivacyState.loaded,
                rx.vstack(_export_section(), _delete_section(), spacing="5", width="100%"),
                loading_block()),
        width="960px",
    )


ROUTE = "/account/privacy"
TITLE = "Your data"
ON_LOAD = [AuthState.refresh, PrivacyState.load]
