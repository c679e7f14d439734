"""Categories at /admin/categories: create, rename, describe, reorder; delete only when unused."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.admin_nav import admin_shell
from lms_app.ui.forms import field
from lms_app.ui.layout import empty_state, loading_block
from lms_app.core.db import run_db
from lms_app.admin.services import categories as categories_admin
from lms_app.admin.services.categories import CategoryRowView
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import ADMIN_AREA
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded

ROUTE = "/admin/categories"
TITLE = "Categories"


class AdminCategoriesState(rx.State):
    rows: list[CategoryRowView] = []
    loaded: bool = False
    error: str = ""
    error_field: str = ""
    busy: bool = False
    edit_id: int = 0
    edit_name: str = ""
    edit_description: str = ""
    edit_error: str = ""
    delete_id: int = 0
    delete_name: str = ""

    async def _refresh(self):
        self.rows = await run_db(categories_admin.listing, current_actor())

    @rx.event
    @guarded(ADMIN_AREA)
    async def load(self):
        await self._refresh()
        self.edit_id, self.delete_id, self.loaded = 0, 0, True

    @rx.event
    @guarded(ADMIN_AREA)
    async def create(self, form: dict):
        form = form if isinstance(form, dict) else {}
        try:
            await run_db(categories_admin.create, current_actor(), form.get("name"), form.get("description"))
        except ServiceError as exc:
            self.error, self.error_field = exc.message, exc.field or ""
            return
        self.error, self.error_field = "", ""
        await self._refresh()
        return rx.toast.success("Category created.")

    @rx.event
    @guarded(ADMIN_AREA)
    async def start_edit(self, category_id: int):
        row = next((r for r in self.rows if r["id"] == category_id), None)
        if row is None:
            return rx.toast.error("That category no longer exists. Reload the page.")
        self.edit_id, self.edit_name, self.edit_description, self.edit_error = (
            row["id"], row["name"], row["description"], "")

    @rx.event
    @guarded(ADMIN_AREA)
    async def cancel_edit(self):
        self.edit_id, self.edit_error = 0, ""

    @rx.event
    @guarded(ADMIN_AREA)
    async def save_edit(self, form: dict):
        form = form if isinstance(form, dict) else {}
        self.busy = True
        yield
        try:
            await run_db(categories_admin.update, current_actor(), self.edit_id, form.get("name"),
                         form.get("description"))
        except ServiceError as exc:
            self.busy, self.edit_error = False, exc.message
            return
        self.busy, self.edit_id = False, 0
        await self._refresh()
        yield rx.toast.success("Category saved.")

    @rx.event
    @guarded(ADMIN_AREA)
    async def move(self, category_id: int, direction: str):
        try:
            await run_db(categories_admin.move, current_actor(), category_id, direction)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._refresh()

    @rx.event
    @guarded(ADMIN_AREA)
    async def ask_delete(self, category_id: int):
        row = next((r for r in self.rows if r["id"] == category_id), None)
        if row is None:
            return rx.toast.error("That category no longer exists. Reload the page.")
        if row["courses"]:
            n = row["courses"]
            return rx.toast.error(f"“{row['name']}” is used by {n} course{'s' if n != 1 else ''}: move "
                                  f"{'them' if n != 1 else 'it'} to another category before deleting it.")
        self.delete_id, self.delete_name = row["id"], row["name"]

    @rx.event
    @guarded(ADMIN_AREA)
    async def cancel_delete(self):
        self.delete_id = 0

    @rx.event
    @guarded(ADMIN_AREA)
    async def confirm_delete(self):
        target, self.delete_id = self.delete_id, 0
        try:
            name = await run_db(categories_admin.delete, current_actor(), target)
        except ServiceError as exc:
            await self._refresh()
            return rx.toast.error(exc.message)
        await self._refresh()
        return rx.toast.success(f"Category “{name}” deleted.")


S = AdminCategoriesState


def _err(name: str):
    return rx.cond(S.error_field == name, S.error, "")


def create_form() -> rx.Component:
    return rx.card(rx.form(rx.vstack(
        rx.heading("New category", size="4", as_="h2"),
        rx.cond((S.error != "") & (S.error_field == ""),
                rx.callout(S.error, icon="circle-alert", color_scheme="red", role="alert", width="100%")),
        rx.grid(field("Name", "name", _err("name"), placeholder="Data science", required=True),
                field("Description", "description", _err("description"), placeholder="Shown on the catalog tile"),
                columns=rx.breakpoints(initial="1", md="2"), spacing="3", width="100%"),
        rx.button(rx.icon("plus", size=16), "Create category", type="submit"),
        spacing="3", width="100%", align="start"), on_submit=S.create, reset_on_submit=True), width="100%")


def _row(c) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.hstack(
            rx.icon_button(rx.icon("arrow-up", size=16), size="2", variant="soft", disabled=c["first"],
                           aria_label="Move " + c["name"] + " up", on_click=S.move(c["id"], "up")),
            rx.icon_button(rx.icon("arrow-down", size=16), size="2", variant="soft", disabled=c["last"],
                           aria_label="Move " + c["name"] + " down", on_click=S.move(c["id"], "down")),
            spacing="1")),
        rx.table.cell(rx.vstack(rx.text(c["name"], weight="medium"),
                                rx.text(c["description"], size="1", color=rx.color("gray", 11)), spacing="0")),
        rx.table.cell(c["courses"]),
        rx.table.cell(rx.hstack(
            rx.button("Edit", size="1", variant="soft", on_click=S.start_edit(c["id"]), aria_label="Edit " + c["name"]),
            rx.button("Delete", size="1", variant="soft", color_scheme="red", on_click=S.ask_delete(c["id"]),
                      aria_label="Delete " + c["name"]),
            spacing="2")),
    )


def edit_dialog() -> rx.Component:
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title("Edit category"),
        rx.form(rx.vstack(
            field("Name", "name", "", default_value=S.edit_name, required=True),
            field("Description", "description", "", default_value=S.edit_description),
            rx.cond(S.edit_error != "", rx.text(S.edit_error, color=rx.color("red", 11), size="2", role="alert")),
            rx.hstack(rx.button("Cancel", type="button", variant="soft", color_scheme="gray", on_click=S.cancel_edit),
                      rx.button("Save", type="submit", loading=S.busy), justify="end", width="100%"),
            spacing="3", width="100%"), on_submit=S.save_edit, reset_on_submit=False),
    ), open=S.edit_id != 0, on_open_change=lambda _o: S.cancel_edit)


def delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(rx.alert_dialog.content(
        rx.alert_dialog.title("Delete “", S.delete_name, "”?"),
        rx.alert_dialog.description("No course uses it. It disappears from the catalog."),
        rx.hstack(rx.button("Cancel", variant="soft", color_scheme="gray", on_click=S.cancel_delete),
                  rx.button("Delete category", color_scheme="red", on_click=S.confirm_delete),
                  spacing="3", justify="end", margin_top="1rem"),
    ), open=S.delete_id != 0)


def page() -> rx.Component:
    return admin_shell(
        ROUTE, "Categories", "How the catalog is organised. Order here is the order learners see.",
        rx.cond(S.loaded, rx.vstack(
            create_form(),
            rx.cond(S.rows.length() > 0,
                    rx.box(rx.table.root(
                        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                                       ("Order", "Category", "Courses", "")])),
                        rx.table.body(rx.foreach(S.rows, _row)), variant="surface", width="100%"),
                        width="100%", overflow_x="auto"),
                    empty_state("folder-tree", "No categories yet", "Create the first one above.")),
            spacing="5", width="100%"), loading_block()),
        edit_dialog(), delete_dialog(),
    )


ON_LOAD = [AuthState.refresh, AdminCategoriesState.load]
