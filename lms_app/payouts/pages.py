"""Payout statement pages: /teach/payouts (a teacher's months) and /admin/payouts (mark paid)."""

from __future__ import annotations

import reflex as rx

from lms_app.core.auth_state import AuthState
from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import ADMIN_AREA, TEACHER_AREA
from lms_app.payouts import services
from lms_app.payouts.services import StatementView
from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell
from lms_app.ui.links import anchor_button
from lms_app.ui.paging import AdminPageNumbers

STATUS_COLORS = {"open": "blue", "due": "amber", "paid": "green"}


def status_badge(s) -> rx.Component:
    return rx.badge(
        s["status_label"], rx.cond(s["paid_label"] != "", " " + s["paid_label"], ""),
        color_scheme=rx.match(s["status"], ("paid", "green"), ("due", "amber"), "blue"), variant="soft")


def refund_note() -> rx.Component:
    return rx.callout(services.REFUND_NOTE, icon="info", size="1", color_scheme="gray", width="100%",
                      margin_bottom="1rem")


def _pager(state) -> rx.Component:
    return rx.cond(
        state.pages > 1,
        rx.hstack(
            rx.button(rx.icon("arrow-left", size=16), "Newer", variant="soft", on_click=state.prev_page,
                      disabled=state.page <= 1),
            rx.text("Page ", state.page, " of ", state.pages, size="2", color=rx.color("gray", 11)),
            rx.button("Older", rx.icon("arrow-right", size=16), variant="soft", on_click=state.next_page,
                      disabled=state.page >= state.pages),
            spacing="3", align="center", margin_top="1rem",
        ),
    )


# --- teacher ---------------------------------------------------------------------------------

class PayoutsState(rx.State):
    rows: list[StatementView] = []
    page: int = 1
    pages: int = 1
    loaded: bool = False

    async def _fetch(self):
        data = await run_db(services.teacher_statements, current_actor(), self.page)
        self.rows, self.page, self.pages, self.loaded = data["rows"], data["page"], data["pages"], True

    @rx.event
    @guarded(TEACHER_AREA)
    async def load(self):
        self.page = 1
        await self._fetch()

    @rx.event
    @guarded(TEACHER_AREA)
    async def next_page(self):
        if self.page < self.pages:
            self.page += 1
            await self._fetch()

    @rx.event
    @guarded(TEACHER_AREA)
    async def prev_page(self):
        if self.page > 1:
            self.page -= 1
            await self._fetch()


def _figure(label: str, value, strong: bool = False) -> rx.Component:
    return rx.vstack(rx.text(label, size="1", color=rx.color("gray", 11)),
                     rx.text(value, size="3", weight="bold" if strong else "medium"), spacing="0")


def _statement_card(s) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(s["month_label"], " · ", s["currency"], size="4", as_="h2"),
                status_badge(s),
                rx.spacer(),
                rx.hstack(
                    anchor_button(rx.icon("file-text", size=16), "Download PDF", variant="soft", size="2",
                                  download=True, href=s["pdf_url"],
                                  aria_label="Download PDF statement for " + s["month_label"] + " " + s["currency"]),
                    anchor_button(rx.icon("sheet", size=16), "Download CSV", variant="soft", size="2",
                                  download=True, href=s["csv_url"],
                                  aria_label="Download CSV statement for " + s["month_label"] + " " + s["currency"]),
                    spacing="2", wrap="wrap"),
                width="100%", align="center", wrap="wrap", spacing="3",
            ),
            rx.grid(
                _figure("Sales", s["sales"]), _figure("Gross sales", s["gross"]), _figure("Refunds", s["refunds"]),
                _figure("Net", s["net"]), _figure("Platform fee", s["fee"]), _figure("Amount due", s["due"], True),
                columns=rx.breakpoints(initial="2", sm="3", md="6"), spacing="4", width="100%",
            ),
            rx.cond(s["reference"] != "",
                    rx.text("Payment reference: ", s["reference"], size="2", color=rx.color("gray", 11))),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def teacher_page() -> rx.Component:
    S = PayoutsState
    return page_shell(
        page_heading("Payouts", "Your statement for each month (UTC): sales, refunds, the platform fee and what "
                                "you are paid."),
        refund_note(),
        rx.cond(
            S.loaded,
            rx.cond(S.rows.length() > 0,
                    rx.vstack(rx.foreach(S.rows, _statement_card), _pager(S), spacing="3", width="100%"),
                    empty_state("banknote", "No statements yet",
                                "A statement appears for each month in which your paid courses or live sessions "
                                "sell.")),
            loading_block(),
        ),
    )


TEACH_ON_LOAD = [AuthState.refresh, PayoutsState.load]


# --- admin -----------------------------------------------------------------------------------

class AdminPayoutsState(AdminPageNumbers, rx.State):
    rows: list[StatementView] = []
    loaded: bool = False
    month: str = ""
    status: str = ""
    filtering: bool = False
    filter_error: str = ""
    target_key: str = ""
    target_label: str = ""
    error: str = ""
    busy: bool = False
    _target: tuple = ()

    async def _fetch(self):
        data = await run_db(services.admin_statements, current_actor(), self.month, self.status, self.page)
        self.rows, self.page, self.pages, self.loaded = data["rows"], data["page"], data["pages"], True

    @rx.event
    @guarded(ADMIN_AREA)
    async def load(self):
        """Opens on the last ended month (one month reads an index range; every month reads the
        whole ledger, see bench/payouts.py)."""
        self.month, self.status, self.page = services.last_ended_month(), "", 1
        self.target_key, self.filter_error = "", ""
        await self._fetch()

    @rx.event
    @guarded(ADMIN_AREA)
    async def filter(self, form: dict):
        """Filter by month (YYYY-MM, empty = all ended months) and status (due/paid)."""
        form = form if isinstance(form, dict) else {}
        month, status = form.get("month"), form.get("status")
        month = month.strip() if isinstance(month, str) else ""
        try:
            self.month = services.parse_month(month) if month else ""
        except ServiceError as exc:
            self.filter_error = exc.message
            return
        self.status = status if status in services.STATUSES else ""
        self.page, self.filter_error, self.filtering = 1, "", True
        yield
        await self._fetch()
        self.filtering = False

    @rx.event
    @guarded(ADMIN_AREA)
    async def ask_mark(self, key: str):
        """Open the confirmation for one statement of this page (nothing changes yet)."""
        row = next((r for r in self.rows if r["key"] == key), None)
        if row is None or row["status"] != "due":
            return rx.toast.error("Only due statements can be marked paid.")
        self._target = (row["teacher_id"], row["month"], row["currency"])
        self.target_key = row["key"]
        self.target_label = f"{row['teacher']} · {row['month_label']} · {row['due']}"
        self.error = ""

    @rx.event
    @guarded(ADMIN_AREA)
    async def cancel_mark(self):
        self.target_key, self._target, self.error = "", (), ""

    @rx.event
    @guarded(ADMIN_AREA)
    async def mark_paid(self, form: dict):
        if not self._target:
            return
        reference = form.get("reference") if isinstance(form, dict) else None
        self.busy = True
        yield
        try:
            await run_db(services.mark_paid, current_actor(), *self._target, reference)
        except ServiceError as exc:
            self.busy, self.error = False, exc.message
            return
        self.busy, self.target_key, self._target, self.error = False, "", (), ""
        await self._fetch()
        yield rx.toast.success("Statement marked paid; the payment is in the audit log.")


def _admin_row(s) -> rx.Component:
    return rx.table.row(
        rx.table.cell(s["teacher"]), rx.table.cell(s["month"]), rx.table.cell(s["currency"]),
        rx.table.cell(s["sales"]), rx.table.cell(s["net"]), rx.table.cell(s["fee"]),
        rx.table.cell(s["due"], font_weight="bold"), rx.table.cell(status_badge(s)),
        rx.table.cell(rx.hstack(
            anchor_button("PDF", variant="ghost", size="1", download=True, href=s["pdf_url"],
                          aria_label="Download PDF statement for " + s["teacher"] + " " + s["month"]),
            anchor_button("CSV", variant="ghost", size="1", download=True, href=s["csv_url"],
                          aria_label="Download CSV statement for " + s["teacher"] + " " + s["month"]),
            rx.cond(s["status"] == "due",
                    rx.button("Mark paid", size="1", variant="soft", on_click=AdminPayoutsState.ask_mark(s["key"]),
                              aria_label="Mark paid: " + s["teacher"] + " " + s["month"] + " " + s["currency"])),
            spacing="2", align="center")),
    )


def mark_dialog() -> rx.Component:
    S = AdminPayoutsState
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Mark this statement paid?"),
            rx.alert_dialog.description(S.target_label, ": record that the amount due was transferred. This "
                                        "cannot be undone; later refunds count in the month they happen."),
            rx.form(
                rx.vstack(
                    rx.el.label("Payment reference", html_for="payout-reference",
                                style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
                    rx.input(id="payout-reference", name="reference", max_length=120, width="100%",
                             placeholder="e.g. bank transfer id", aria_required="true",
                             aria_invalid=rx.cond(S.error != "", "true", "false"),
                             aria_describedby="payout-reference-error"),
                    rx.cond(S.error != "",
                            rx.text(S.error, id="payout-reference-error", color=rx.color("red", 11), size="2",
                                    role="alert")),
                    rx.hstack(rx.button("Cancel", variant="soft", color_scheme="gray", type="button",
                                        on_click=S.cancel_mark),
                              rx.button("Mark paid", type="submit", loading=S.busy),
                              justify="end", width="100%"),
                    spacing="3", width="100%", margin_top="1rem",
                ),
                on_submit=S.mark_paid, reset_on_submit=False,
            ),
        ),
        open=S.target_key != "",
    )


def _filters() -> rx.Component:
    S = AdminPayoutsState
    return rx.form(
        rx.hstack(
            rx.input(name="month", type="month", placeholder="YYYY-MM", aria_label="Month", max_length=7,
                     width="12rem", default_value=S.month, key=S.month),
            rx.el.select(rx.el.option("All statuses", value=""), rx.el.option("Due", value="due"),
                         rx.el.option("Paid", value="paid"), name="status", aria_label="Status",
                         class_name="lms-native-select",
                         style={"height": "var(--space-6)", "width": "auto", "fontSize": "var(--font-size-2)"}),
            rx.button(rx.icon("filter", size=16), "Filter", type="submit", loading=S.filtering),
            spacing="3", wrap="wrap", width="100%", align="center",
        ),
        rx.cond(S.filter_error != "", rx.text(S.filter_error, color=rx.color("red", 11), size="2", role="alert")),
        on_submit=S.filter, reset_on_submit=False, width="100%", margin_bottom="1rem",
    )


def admin_page() -> rx.Component:
    S = AdminPayoutsState
    return page_shell(
        page_heading("Payouts", "Teachers' statements of ended months (UTC): what each is owed, and what was paid. "
                                "Clear the month to see every ended month."),
        refund_note(),
        _filters(),
        rx.cond(
            S.loaded,
            rx.cond(
                S.rows.length() > 0,
                rx.box(
                    rx.box(rx.table.root(
                        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                                       ("Teacher", "Month", "Currency", "Sales", "Net",
                                                        "Platform fee", "Amount due", "Status", "Actions")])),
                        rx.table.body(rx.foreach(S.rows, _admin_row)), variant="surface", width="100%"),
                        width="100%", overflow_x="auto"),
                    _pager(S), width="100%",
                ),
                rx.cond((S.month != "") | (S.status != ""),
                        empty_state("search-x", "No statements match", "Try another month or status."),
                        empty_state("banknote", "No statements yet",
                                    "Statements appear here once a month with sales has ended.")),
            ),
            loading_block(),
        ),
        mark_dialog(),
    )


ADMIN_ON_LOAD = [AuthState.refresh, AdminPayoutsState.load]
