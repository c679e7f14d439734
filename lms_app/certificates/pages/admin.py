"""Admin certificates at /admin/certificates: search, revoke (reason + confirmation), reissue,
and issue manually to an enrolled learner by email and course."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell
from lms_app.core.db import run_db
from lms_app.core.origins import public_base
from lms_app.certificates.models import AdminCertificateView
from lms_app.certificates.services import issuing as certificates
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import ADMIN_AREA
from lms_app.core.settings import get_settings
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded


class ChoiceView(TypedDict):
    id: str
    title: str


def _number(result) -> str:
    return result.number


def _revoke(session, actor, number, reason):
    return _number(certificates.revoke(session, actor, number, reason))


def _reissue(session, actor, number):
    return _number(certificates.reissue(session, actor, number))


def _issue(session, actor, email, course_id):
    return _number(certificates.issue_manually(session, actor, email, course_id))


class AdminCertificatesState(rx.State):
    rows: list[AdminCertificateView] = []
    total: int = 0
    page: int = 1
    query: str = ""
    loaded: bool = False
    # The confirmation dialog: "revoke" or "reissue" for target_number; "" when closed.
    action: str = ""
    target_number: str = ""
    target_label: str = ""
    error: str = ""
    busy: bool = False
    issue_open: bool = False
    issue_error: str = ""
    choices: list[ChoiceView] = []

    def _base(self) -> str:
        return public_base(get_settings(), self.router.headers.origin)

    async def _reload(self):
        self.rows, self.total = await run_db(certificates.admin_list, current_actor(), self.query, self.page,
                                             self._base(), get_settings().site_name)

    @rx.event
    @guarded(ADMIN_AREA)
    async def load(self):
        self.page, self.action, self.issue_open = 1, "", False
        await self._reload()
        self.loaded = True

    @rx.event
    @guarded(ADMIN_AREA)
    async def search(self, form: dict):
        raw = form.get("q") if isinstance(form, dict) else ""
        self.query = raw.strip()[:100] if isinstance(raw, str) else ""
        self.page = 1
        await self._reload()

    @rx.event
    @guarded(ADMIN_AREA)
    async def go_page(self, delta: int):
        step = 1 if delta == 1 else -1 if delta == -1 else 0
        pages = max(1, -(-self.total // certificates.PAGE_SIZE))
        self.page = max(1, min(pages, self.page + step))
        await self._reload()

    @rx.event
    @guarded(ADMIN_AREA)
    async def ask(self, action: str, number: str):
        """Open the confirmation for one listed certificate (nothing changes yet)."""
        row = next((r for r in self.rows if r["number"] == number), None)
        if row is None or action not in ("revoke", "reissue"):
            return rx.toast.error("That certificate is not in the list any more; search again.")
        if action == "revoke" and row["revoked"]:
            return rx.toast.error("This certificate is already revoked.")
        self.action, self.target_number = action, row["number"]
        self.target_label, self.error = f"{row['learner_name']} · {row['course_title']} · {row['number']}", ""

    @rx.event
    @guarded(ADMIN_AREA)
    async def cancel(self):
        self.action, self.error = "", ""

    @rx.event
    @guarded(ADMIN_AREA)
    async def confirm(self, form: dict):
        if self.action not in ("revoke", "reissue") or not self.target_number:
            self.action = ""
            return
        self.busy = True
        yield
        try:
            if self.action == "revoke":
                reason = form.get("reason") if isinstance(form, dict) else None
                await run_db(_revoke, current_actor(), self.target_number, reason)
                message = "Certificate revoked: the verify page now says so."
            else:
                number = await run_db(_reissue, current_actor(), self.target_number)
                message = f"Reissued as {number}; the old number now shows as revoked."
        except ServiceError as exc:
            self.busy, self.error = False, exc.message
            return
        self.busy, self.action = False, ""
        await self._reload()
        yield rx.toast.success(message)

    @rx.event
    @guarded(ADMIN_AREA)
    async def open_issue(self):
        self.choices = await run_db(certificates.course_choices, current_actor())
        self.issue_open, self.issue_error = True, ""

    @rx.event
    @guarded(ADMIN_AREA)
    async def close_issue(self):
        self.issue_open, self.issue_error = False, ""

    @rx.event
    @guarded(ADMIN_AREA)
    async def issue(self, form: dict):
        form = form if isinstance(form, dict) else {}
        self.busy = True
        yield
        try:
            number = await run_db(_issue, current_actor(), form.get("email"), form.get("course_id"))
        except ServiceError as exc:
            self.busy, self.issue_error = False, exc.message
            return
        self.busy, self.issue_open, self.query, self.page = False, False, "", 1
        await self._reload()
        yield rx.toast.success(f"Certificate {number} issued.")


S = AdminCertificatesState
_LABEL = {"fontSize": "var(--font-size-2)", "fontWeight": "500"}


def _status(c) -> rx.Component:
    return rx.cond(c["revoked"],
                   rx.tooltip(rx.badge("Revoked " + c["revoked_label"], color_scheme="red", variant="soft"),
                              content=c["revoke_reason"]),
                   rx.badge("Valid", color_scheme="green", variant="soft"))


def _row(c) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(rx.code(c["number"], size="1"), href=c["verify_href"], is_external=True),
                      white_space="nowrap"),
        rx.table.cell(rx.vstack(rx.text(c["learner_name"], size="2", weight="medium"),
                                rx.text(c["learner_email"], size="1", color=rx.color("gray", 11)), spacing="0")),
        rx.table.cell(c["course_title"]), rx.table.cell(c["issued_label"]), rx.table.cell(_status(c)),
        rx.table.cell(rx.hstack(
            rx.el.a(rx.icon("download", size=16), href=c["download_href"], download="", reload_document=True,
                    aria_label="Download PDF " + c["number"], style={"color": "var(--accent-a11)"}),
            rx.button("Reissue", size="1", variant="soft", aria_label="Reissue " + c["number"],
                      on_click=S.ask("reissue", c["number"])),
            rx.cond(~c["revoked"], rx.button("Revoke", size="1", variant="soft", color_scheme="red",
                                             aria_label="Revoke " + c["number"],
                                             on_click=S.ask("revoke", c["number"]))),
            spacing="2", align="center")),
    )


def confirm_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(rx.cond(S.action == "revoke", "Revoke this certificate?",
                                          "Reissue this certificate?")),
            rx.alert_dialog.description(
                S.target_label, ". ",
                rx.cond(S.action == "revoke",
                        "The verify page and the credential will show it as revoked, and the learner can no "
                        "longer download it.",
                        "A new certificate with a new number and today's names replaces it; the old number "
                        "shows as revoked.")),
            rx.form(
                rx.vstack(
                    rx.cond(S.action == "revoke", rx.vstack(
                        rx.el.label("Reason", html_for="revoke-reason", style=_LABEL),
                        rx.text_area(id="revoke-reason", name="reason", required=True, width="100%",
                                     placeholder="e.g. Completed with another learner's account"),
                        spacing="1", width="100%")),
                    rx.cond(S.error != "", rx.text(S.error, color=rx.color("red", 11), size="2", role="alert")),
                    rx.hstack(rx.button("Cancel", variant="soft", color_scheme="gray", type="button",
                                        on_click=S.cancel),
                              rx.button(rx.cond(S.action == "revoke", "Revoke certificate", "Reissue certificate"),
                                        color_scheme=rx.cond(S.action == "revoke", "red", "indigo"),
                                        type="submit", loading=S.busy),
                              justify="end", width="100%"),
                    spacing="3", width="100%", margin_top="1rem",
                ),
                on_submit=S.confirm, reset_on_submit=True,
            ),
        ),
        open=S.action != "",
    )


def issue_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Issue a certificate"),
            rx.dialog.description("For a learner enrolled in the course, whether or not they completed it.",
                                  size="2"),
            rx.form(
                rx.vstack(
                    rx.el.label("Learner's email", html_for="issue-email", style=_LABEL),
                    rx.input(id="issue-email", name="email", type="email", required=True, width="100%"),
                    rx.el.label("Course", html_for="issue-course", style=_LABEL),
                    rx.el.select(rx.foreach(S.choices, lambda c: rx.el.option(c["title"], value=c["id"])),
                                 id="issue-course", name="course_id", class_name="lms-native-select"),
                    rx.cond(S.issue_error != "",
                            rx.text(S.issue_error, color=rx.color("red", 11), size="2", role="alert")),
                    rx.hstack(rx.button("Cancel", variant="soft", color_scheme="gray", type="button",
                                        on_click=S.close_issue),
                              rx.button("Issue certificate", type="submit", loading=S.busy),
                              justify="end", width="100%"),
                    spacing="2", width="100%", margin_top="1rem",
                ),
                on_submit=S.issue, reset_on_submit=False,
            ),
        ),
        open=S.issue_open,
    )


def _pager() -> rx.Component:
    pages = (S.total + certificates.PAGE_SIZE - 1) // certificates.PAGE_SIZE
    return rx.hstack(
        rx.text(S.total.to_string() + rx.cond(S.total == 1, " certificate", " certificates"), size="2",
                color=rx.color("gray", 11)),
        rx.spacer(),
        rx.button(rx.icon("chevron-left", size=16), "Previous", size="1", variant="soft", disabled=S.page <= 1,
                  on_click=S.go_page(-1)),
        rx.text("Page " + S.page.to_string(), size="2"),
        rx.button("Next", rx.icon("chevron-right", size=16), size="1", variant="soft", disabled=S.page >= pages,
                  on_click=S.go_page(1)),
        width="100%", align="center", spacing="2",
    )


def page() -> rx.Component:
    return page_shell(
        rx.hstack(page_heading("Certificates", "Issued on completion; revoke, reissue or issue by hand."),
                  rx.spacer(),
                  rx.button(rx.icon("award", size=16), "Issue certificate", on_click=S.open_issue),
                  width="100%", align="end", wrap="wrap", spacing="3"),
        rx.cond(
            S.loaded,
            rx.vstack(
                rx.form(rx.hstack(
                    rx.input(name="q", placeholder="Number, learner, email or course", default_value=S.query,
                             aria_label="Search certificates", width="100%", max_width="420px"),
                    rx.button(rx.icon("search", size=16), "Search", type="submit", variant="soft"),
                    spacing="2", width="100%"), on_submit=S.search, reset_on_submit=False, width="100%"),
                rx.cond(
                    S.rows.length() > 0,
                    rx.vstack(
                        rx.box(rx.table.root(
                            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                                "Number", "Learner", "Course", "Issued", "Status", "")])),
                            rx.table.body(rx.foreach(S.rows, _row)), variant="surface", width="100%"),
                            width="100%", overflow_x="auto"),
                        _pager(), spacing="3", width="100%"),
                    rx.cond(S.query != "",
                            empty_state("search-x", "No certificate matches", "Try part of the number, the learner's "
                                        "name or email, or the course title."),
                            empty_state("award", "No certificates yet", "Certificates appear here when learners "
                                        "complete a course, or issue one with the button above.")),
                ),
                spacing="4", width="100%",
            ),
            loading_block(),
        ),
        confirm_dialog(),
        issue_dialog(),
    )


ROUTE = "/admin/certificates"
TITLE = "Certificates"
ON_LOAD = [AuthState.refresh, AdminCertificatesState.load]
