"""Admin users at /admin/users: search, filter by role/status, paginate; activate/deactivate,
change role (both confirmed), and a user's enrolments and orders in a dialog."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.wording import status_text

from lms_app.ui.admin_nav import admin_shell, pager
from lms_app.ui.layout import empty_state, loading_block
from lms_app.ui.links import anchor_button
from lms_app.core.db import run_db
from lms_app.admin.services import users as admin_users
from lms_app.admin.services.users import UserEnrollmentView, UserOrderView, UserRowView
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import ADMIN_AREA
from lms_app.ui.paging import AdminPageNumbers
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded
from lms_app.accounts.mfa.pages import admin_reset_button
from lms_app.core.settings import get_settings
from lms_app.privacy.services import personal_data

ROUTE = "/admin/users"
TITLE = "Users"
LABEL = {"fontSize": "var(--font-size-2)", "fontWeight": "500"}


class AdminUsersState(AdminPageNumbers, rx.State):
    rows: list[UserRowView] = []
    total: int = 0
    q: str = ""
    role: str = ""
    status: str = ""
    loaded: bool = False
    busy: bool = False
    # The pending confirmation: what will change for whom.
    confirm_id: int = 0
    confirm_kind: str = ""  # "active" | "role"
    confirm_value: str = ""
    confirm_text: str = ""
    # The open detail dialog.
    detail_open: bool = False
    detail_user: UserRowView = UserRowView(id=0, name="", email="", role="", active=True, joined="")
    detail_enrollments: list[UserEnrollmentView] = []
    detail_orders: list[UserOrderView] = []
    # Personal data (privacy feature): the export just made for the open user, if any.
    detail_export_href: str = ""
    exporting: bool = False

    async def _fetch(self):
        found = await run_db(admin_users.search, current_actor(), self.q, self.role, self.status, self.page)
        self.rows, self.total, self.page, self.pages = found["rows"], found["total"], found["page"], found["pages"]

    @rx.event
    @guarded(ADMIN_AREA)
    async def load(self):
        self.page, self.confirm_id, self.detail_open = 1, 0, False
        await self._fetch()
        self.loaded = True

    @rx.event
    @guarded(ADMIN_AREA)
    async def search(self, form: dict):
        form = form if isinstance(form, dict) else {}
        q, role, status = form.get("q"), form.get("role"), form.get("status")
        self.q = q.strip()[:100] if isinstance(q, str) else ""
        self.role = role if role in ("learner", "teacher", "admin") else ""
        self.status = status if status in admin_users.STATUSES else ""
        self.page = 1
        await self._fetch()

    @rx.event
    @guarded(ADMIN_AREA)
    async def ask_active(self, user_id: int, active: bool):
        row = next((r for r in self.rows if r["id"] == user_id), None)
        if row is None or not isinstance(active, bool):
            return rx.toast.error("That account is not on this page any more. Search again.")
        self.confirm_id, self.confirm_kind, self.confirm_value = row["id"], "active", "1" if active else ""
        self.confirm_text = (f"Reactivate {row['name']}? They can sign in again." if active else
                             f"Deactivate {row['name']}? They are signed out everywhere at once and cannot sign in "
                             "until reactivated.")

    @rx.event
    @guarded(ADMIN_AREA)
    async def ask_role(self, user_id: int, role: str):
        row = next((r for r in self.rows if r["id"] == user_id), None)
        if row is None or role not in ("learner", "teacher", "admin"):
            return rx.toast.error("Choose a role from the list.")
        if role == row["role"]:
            return
        self.confirm_id, self.confirm_kind, self.confirm_value = row["id"], "role", role
        self.confirm_text = f"Change {row['name']} from {row['role']} to {role}?"

    @rx.event
    @guarded(ADMIN_AREA)
    async def cancel(self):
        self.confirm_id, self.confirm_kind = 0, ""
        await self._fetch()  # the role select goes back to the stored role

    @rx.event
    @guarded(ADMIN_AREA)
    async def confirm(self):
        if not self.confirm_id:
            return
        self.busy = True
        yield
        try:
            if self.confirm_kind == "active":
                await run_db(admin_users.set_active, current_actor(), self.confirm_id, self.confirm_value == "1")
                message = "Account reactivated." if self.confirm_value == "1" else "Account deactivated; sessions ended."
            elif self.confirm_kind == "erase":
                await run_db(personal_data.erase_account, get_settings(), current_actor(), "", self.confirm_id)
                message, self.detail_open = "Account deleted: personal data erased, orders and certificates kept.", False
            else:
                await run_db(admin_users.set_role, current_actor(), self.confirm_id, self.confirm_value)
                message = f"Role changed to {self.confirm_value}."
        except ServiceError as exc:
            self.busy, self.confirm_id = False, 0
            await self._fetch()
            yield rx.toast.error(exc.message)
            return
        self.busy, self.confirm_id = False, 0
        await self._fetch()
        yield rx.toast.success(message)

    @rx.event
    @guarded(ADMIN_AREA)
    async def open_detail(self, user_id: int):
        try:
            found = await run_db(admin_users.detail, current_actor(), user_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        self.detail_user, self.detail_enrollments = found["user"], found["enrollments"]
        self.detail_orders, self.detail_open = found["orders"], True

    @rx.event
    @guarded(ADMIN_AREA)
    async def close_detail(self):
        self.detail_open, self.detail_enrollments, self.detail_orders = False, [], []
        self.detail_export_href = ""

    @rx.event
    @guarded(ADMIN_AREA)
    async def export_data(self):
        """Prepare the open user's personal-data zip (audited); small ones are ready at once."""
        if not self.detail_open or not self.detail_user["id"]:
            return
        self.exporting = True
        yield
        try:
            view = await run_db(personal_data.request_export, get_settings(), current_actor(), self.detail_user["id"])
        except ServiceError as exc:
            self.exporting = False
            yield rx.toast.error(exc.message)
            return
        self.exporting, self.detail_export_href = False, view["href"]
        yield rx.toast.success("Export ready." if view["href"] else "Export queued: it will be ready in a few minutes.")

    @rx.event
    @guarded(ADMIN_AREA)
    async def ask_erase(self):
        if not self.detail_open or not self.detail_user["id"]:
            return
        self.confirm_id, self.confirm_kind, self.confirm_value = self.detail_user["id"], "erase", ""
        self.confirm_text = (f"Delete the account of {self.detail_user['name']}? Their personal data is erased for "
                             "good; orders and issued certificates are kept (see docs/privacy.md). This cannot be undone.")


S = AdminUsersState


def _select(name: str, label: str, options: list[tuple[str, str]], value) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"users-{name}", style=LABEL),
        rx.el.select(*[rx.el.option(text, value=v) for v, text in options], id=f"users-{name}", name=name,
                     default_value=value, class_name="lms-native-select"),
        spacing="1", min_width="140px",
    )


def filters() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.vstack(rx.el.label("Search name or email", html_for="users-q", style=LABEL),
                      rx.input(id="users-q", name="q", default_value=S.q, placeholder="ada@example.com",
                               width="100%"), spacing="1", flex="1", min_width="200px"),
            _select("role", "Role", [("", "Any role"), ("learner", "Learners"), ("teacher", "Teachers"),
                                     ("admin", "Admins")], S.role),
            _select("status", "Status", [("", "Any status"), ("active", "Active"), ("inactive", "Deactivated")],
                    S.status),
            rx.button(rx.icon("search", size=16), "Search", type="submit"),
            spacing="3", wrap="wrap", align="end", width="100%",
        ),
        on_submit=S.search, reset_on_submit=False, width="100%",
    )


def _row(u) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(u["name"], weight="medium"), rx.text(u["email"], size="1",
                                                                             color=rx.color("gray", 11)),
                                spacing="0")),
        rx.table.cell(rx.el.select(
            rx.el.option("Learner", value="learner"), rx.el.option("Teacher", value="teacher"),
            rx.el.option("Admin", value="admin"), value=u["role"], class_name="lms-native-select", min_width="110px",
            aria_label="Role of " + u["name"], on_change=lambda v: S.ask_role(u["id"], v))),
        rx.table.cell(rx.badge(rx.cond(u["active"], "Active", "Deactivated"),
                               color_scheme=rx.cond(u["active"], "green", "gray"), variant="soft")),
        rx.table.cell(u["joined"]),
        rx.table.cell(rx.hstack(
            rx.button("Details", size="1", variant="soft", on_click=S.open_detail(u["id"]),
                      aria_label="Details of " + u["name"]),
            rx.cond(u["active"],
                    rx.button("Deactivate", size="1", variant="soft", color_scheme="red",
                              on_click=S.ask_active(u["id"], False), aria_label="Deactivate " + u["name"]),
                    rx.button("Reactivate", size="1", variant="soft", color_scheme="green",
                              on_click=S.ask_active(u["id"], True), aria_label="Reactivate " + u["name"])),
            spacing="2")),
    )


def confirm_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Please confirm"),
            rx.alert_dialog.description(S.confirm_text),
            rx.hstack(rx.button("Cancel", variant="soft", color_scheme="gray", on_click=S.cancel),
                      rx.button("Confirm", color_scheme=rx.cond((S.confirm_kind == "active") | (S.confirm_kind == "erase"),
                                                                "red", "blue"),
                                loading=S.busy, on_click=S.confirm),
                      spacing="3", justify="end", margin_top="1rem"),
        ),
        open=S.confirm_id != 0,
    )


def _mini_table(headers: list[str], rows, cells) -> rx.Component:
    return rx.box(rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(rx.foreach(rows, lambda r: rx.table.row(*[rx.table.cell(c) for c in cells(r)]))),
        size="1", variant="surface", width="100%"), width="100%", overflow_x="auto")


def detail_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(S.detail_user["name"]),
            rx.dialog.description(S.detail_user["email"], " · ", S.detail_user["role"], " · joined ",
                                  S.detail_user["joined"]),
            rx.vstack(
                rx.heading("Enrollments", size="3", as_="h3"),
                rx.cond(S.detail_enrollments.length() > 0,
                        _mini_table(["Course", "Since"], S.detail_enrollments, lambda r: [r["course"], r["since"]]),
                        rx.text("Not enrolled in any course.", size="2", color=rx.color("gray", 11))),
                rx.heading("Orders", size="3", as_="h3"),
                rx.cond(S.detail_orders.length() > 0,
                        _mini_table(["Course", "Amount", "Status", "Date"], S.detail_orders,
                                    lambda r: [r["course"], r["amount"], status_text(r["status"]), r["when"]]),
                        rx.text("No orders.", size="2", color=rx.color("gray", 11))),
                rx.heading("Personal data", size="3", as_="h3"),
                rx.hstack(
                    rx.button(rx.icon("archive", size=14), "Export data", size="1", variant="soft",
                              loading=S.exporting, on_click=S.export_data),
                    rx.cond(S.detail_export_href != "",
                            anchor_button(rx.icon("download", size=14), "Download zip", href=S.detail_export_href,
                                          download=True, size="1", variant="soft")),
                    rx.button(rx.icon("trash-2", size=14), "Delete account", size="1", variant="soft",
                              color_scheme="red", on_click=S.ask_erase),
                    spacing="3", align="center", wrap="wrap",
                ),
                rx.hstack(admin_reset_button(S.detail_user["id"]),  # accounts.mfa: audited reset
                          rx.button("Close", variant="soft", on_click=S.close_detail), justify="between", width="100%"),
                spacing="3", margin_top="1rem", width="100%", align="start",
            ),
            max_width="640px",
        ),
        open=S.detail_open,
        on_open_change=lambda _open: S.close_detail,
    )


def page() -> rx.Component:
    return admin_shell(
        ROUTE, "Users", "Find accounts, change roles, deactivate access.",
        rx.cond(
            S.loaded,
            rx.vstack(
                filters(),
                rx.cond(S.rows.length() > 0,
                        rx.vstack(
                            rx.box(rx.table.root(
                                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                                               ("Person", "Role", "Status", "Joined", "")])),
                                rx.table.body(rx.foreach(S.rows, _row)), variant="surface", width="100%"),
                                width="100%", overflow_x="auto"),
                            pager(S.page, S.pages, S.total, S.prev_page, S.next_page, "accounts"),
                            spacing="3", width="100%"),
                        empty_state("search-x", "No accounts match", "Try another name or email, or clear the "
                                    "role and status filters.")),
                spacing="4", width="100%",
            ),
            loading_block(),
        ),
        confirm_dialog(), detail_dialog(),
    )


ON_LOAD = [AuthState.refresh, AdminUsersState.load]
