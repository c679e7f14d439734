"""The teacher's "My sessions" (/teach/live): offerings, their times with seats and bookings,
attendance, moving and cancelling times, the week view and revenue."""

from __future__ import annotations

import reflex as rx

from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import TEACHER_AREA
from lms_app.live import services, times, windows
from lms_app.live.pages.common import READ_TZ, labelled, live_gateway, table_of
from lms_app.live.pages.offering_form import EMPTY_FORM, edit_button, edit_dialog, offering_inputs
from lms_app.live.pages.views import RevenueView, TeachOfferingView, TeachSlotView, WeekDayView, WindowView
from lms_app.ui.dialogs import confirm_dialog
from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell


# --- teacher: My sessions ------------------------------------------------------------------

class LiveTeachState(rx.State):
    offerings: list[TeachOfferingView] = []
    slots: list[TeachSlotView] = []
    revenue: list[RevenueView] = []
    tz: str = "UTC"
    error: str = ""
    schedule_error: str = ""
    windows: list[WindowView] = []
    window_error: str = ""
    week_label: str = ""
    week_days: list[WeekDayView] = []
    week_offset: int = 0
    # The time whose "Move" dialog is open (0: none) and that dialog's error.
    moving: int = 0
    move_error: str = ""
    loaded: bool = False
    busy: bool = False

    @rx.event
    @guarded(TEACHER_AREA)
    def load(self):
        return rx.call_script(READ_TZ, callback=LiveTeachState.with_tz)

    @rx.event
    @guarded(TEACHER_AREA)
    async def with_tz(self, tz: str):
        self.tz = times.zone(tz).key
        data = await run_db(services.teacher_sessions, current_actor(), self.tz)
        self.offerings, self.slots = data["offerings"], data["slots"]
        self.revenue = await run_db(services.revenue, current_actor())
        self.windows = await run_db(windows.teacher_windows, current_actor())
        await self._load_week()
        self.loaded = True

    async def _reload(self):
        data = await run_db(services.teacher_sessions, current_actor(), self.tz)
        self.offerings, self.slots = data["offerings"], data["slots"]
        self.windows = await run_db(windows.teacher_windows, current_actor())
        await self._load_week()

    async def _load_week(self):
        from lms_app.live import week

        data = await run_db(week.week, current_actor(), self.tz, self.week_offset)
        self.week_label, self.week_days, self.week_offset = data["label"], data["days"], data["offset"]

    @rx.event
    @guarded(TEACHER_AREA)
    async def add_windows(self, form: dict):
        """Availability windows for one of the caller's sessions (ownership checked in the service)."""
        self.window_error = ""
        form = form if isinstance(form, dict) else {}
        days = [str(i) for i in range(7) if form.get(f"day{i}") in ("on", True, "true")]
        try:
            made = await run_db(windows.add_windows, current_actor(), form.get("offering_id"), days,
                                form.get("start"), form.get("end"), form.get("first"), form.get("weeks") or 4)
        except ServiceError as exc:
            self.window_error = exc.message
            return
        await self._reload()
        return rx.toast.success(f"{len(made)} availability window(s) added. Learners can pick times now.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def remove_window(self, window_id: int):
        try:
            await run_db(windows.delete_window, current_actor(), window_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload()
        return rx.toast.success("Window removed. Times already booked stay booked.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def shift_week(self, delta: int):
        """Previous (-1) / next (+1) week, or back to this week (0)."""
        step = delta if isinstance(delta, int) and not isinstance(delta, bool) and -1 <= delta <= 1 else 0
        self.week_offset = self.week_offset + step if step else 0
        await self._load_week()

    @rx.event
    @guarded(TEACHER_AREA)
    async def create(self, form: dict):
        self.error = ""
        try:
            await run_db(services.create_offering, current_actor(), form)
        except ServiceError as exc:
            self.error = exc.message
            return
        await self._reload()
        return rx.toast.success("Session created. Now schedule its times.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def schedule(self, form: dict):
        self.schedule_error = ""
        form = form if isinstance(form, dict) else {}
        try:
            slots = await run_db(services.schedule, current_actor(), form.get("offering_id"), form.get("date"),
                                 form.get("time"), form.get("weeks") or 1)
        except ServiceError as exc:
            self.schedule_error = exc.message
            return
        await self._reload()
        return rx.toast.success(f"{len(slots)} time(s) scheduled.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def cancel_slot(self, slot_id: int):
        try:
            n = await run_db(services.cancel_slot, current_actor(), slot_id, "", live_gateway())
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload()
        return rx.toast.success(f"Time cancelled; {n} learner(s) refunded and told.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def reschedule(self, form: dict):
        """Move one of the caller's upcoming times (checked in the service); booked learners are told."""
        self.move_error = ""
        form = form if isinstance(form, dict) else {}
        try:
            told = await run_db(services.reschedule_slot, current_actor(), form.get("slot_id"), form.get("date"),
                                form.get("time"))
        except ServiceError as exc:
            self.move_error = exc.message
            return
        self.moving = 0
        await self._reload()
        return rx.toast.success(f"Time moved; {told} learner(s) told, with a new invite.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def refresh(self):
        """Reload after another part of the page changed something (the edit dialog)."""
        await self._reload()

    @rx.event
    @guarded(TEACHER_AREA)
    def open_move(self, slot_id: int):
        self.moving, self.move_error = slot_id if isinstance(slot_id, int) else 0, ""

    @rx.event
    @guarded(TEACHER_AREA)
    def close_move(self, open_: bool = False):
        """The dialog's open/close callback: only closing matters (opening is ``open_move``)."""
        if open_ is not True:
            self.moving, self.move_error = 0, ""

    @rx.event
    @guarded(TEACHER_AREA)
    async def mark(self, booking_id: int, attended: bool):
        """Attendance of one booking of the caller's own session (checked in the service)."""
        try:
            await run_db(services.mark_attendance, current_actor(), booking_id, attended)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload()

    @rx.event
    @guarded(TEACHER_AREA)
    async def toggle(self, offering_id: int, status: str):
        try:
            await run_db(services.set_status, current_actor(), offering_id, status)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload()

    @rx.event
    @guarded(TEACHER_AREA)
    async def delete(self, offering_id: int):
        try:
            await run_db(services.delete_offering, current_actor(), offering_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload()
        return rx.toast.success("Session deleted.")


def _create_form() -> rx.Component:
    S = LiveTeachState
    return rx.card(rx.form(rx.vstack(
        rx.heading("New live session", size="4", as_="h2"),
        *offering_inputs({**EMPTY_FORM, "timezone": S.tz}, ""),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red", role="alert")),
        rx.button("Create session", type="submit"),
        spacing="3", width="100%"), on_submit=S.create, reset_on_submit=False, key=S.tz), width="100%")


def _schedule_form() -> rx.Component:
    S = LiveTeachState
    return rx.card(rx.form(rx.vstack(
        rx.heading("Schedule times", size="4", as_="h2"),
        rx.text("In the session's own time zone; repeated weekly keeps the local time across clock changes.",
                size="2", color=rx.color("gray", 11)),
        labelled("Session", rx.el.select(rx.foreach(S.offerings, lambda o: rx.el.option(o["title"], value=o["id"])),
                                       name="offering_id", aria_label="Session",
                                       style={"padding": "6px", "width": "100%", "border_radius": "6px"})),
        rx.grid(labelled("Date", rx.input(aria_label="Date", name="date", type="date", required=True)),
                labelled("Start time", rx.input(aria_label="Start time", name="time", type="time", required=True)),
                labelled("Repeat weekly (times)", rx.input(aria_label="Repeat weekly (times)", name="weeks", type="number", default_value="1")),
                columns=rx.breakpoints(initial="1", sm="3"), spacing="3", width="100%"),
        rx.cond(S.schedule_error != "", rx.callout(S.schedule_error, icon="triangle-alert", color_scheme="red",
                                                   role="alert")),
        rx.button("Schedule", type="submit"),
        spacing="3", width="100%"), on_submit=S.schedule, reset_on_submit=False), width="100%")


def _windows_form() -> rx.Component:
    S = LiveTeachState
    return rx.card(rx.form(rx.vstack(
        rx.heading("Availability for picked times", size="4", as_="h2"),
        rx.text("Office hours or 1:1 coaching: learners pick any free start inside these hours (every session "
                "length), in the session's own time zone. Times you are busy are never offered.",
                size="2", color=rx.color("gray", 11)),
        labelled("Session", rx.el.select(rx.foreach(S.offerings, lambda o: rx.el.option(o["title"], value=o["id"])),
                                       name="offering_id", aria_label="Session for availability",
                                       style={"padding": "6px", "width": "100%", "border_radius": "6px"})),
        rx.el.fieldset(
            rx.el.legend("Days", style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
            rx.hstack(*[rx.checkbox(day, name=f"day{i}", size="2") for i, day in enumerate(
                ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))], spacing="3", wrap="wrap"),
            style={"border": "none", "padding": "0", "margin": "0"}),
        rx.grid(labelled("From", rx.input(aria_label="Available from", name="start", type="time", required=True)),
                labelled("Until", rx.input(aria_label="Available until", name="end", type="time", required=True)),
                labelled("Starting on", rx.input(aria_label="Starting on", name="first", type="date", required=True)),
                labelled("For weeks", rx.input(aria_label="For how many weeks", name="weeks", type="number",
                                             default_value="4", min="1", max="26")),
                columns=rx.breakpoints(initial="2", sm="4"), spacing="3", width="100%"),
        rx.cond(S.window_error != "", rx.callout(S.window_error, icon="triangle-alert", color_scheme="red",
                                                 role="alert")),
        rx.button("Add availability", type="submit"),
        rx.cond(S.windows.length() > 0, rx.vstack(
            rx.text("Current availability", size="2", weight="bold"),
            rx.foreach(S.windows, lambda w: rx.hstack(
                rx.text(w["title"], ": ", w["label"], size="2"), rx.spacer(),
                rx.button("Remove", size="1", variant="ghost", color_scheme="red", type="button",
                          on_click=S.remove_window(w["id"]), aria_label="Remove " + w["title"] + " " + w["label"]),
                width="100%", align="center")),
            spacing="1", width="100%")),
        spacing="3", width="100%"), on_submit=S.add_windows, reset_on_submit=False), width="100%")


def _teach_slot(slot) -> rx.Component:
    S = LiveTeachState
    return rx.card(rx.vstack(
        rx.hstack(rx.text(slot["title"], weight="bold"), rx.spacer(),
                  rx.badge(slot["seats_taken"].to_string() + " / " + slot["capacity"].to_string() + " seats",
                           variant="soft"), width="100%", align="center", wrap="wrap", spacing="2"),
        rx.text(slot["when"], size="2"),
        rx.cond(slot["started"],
                rx.vstack(rx.foreach(slot["attendees"], lambda a: rx.hstack(
                    rx.text(a["name"], size="2"), rx.spacer(),
                    rx.cond(a["attended"],
                            rx.button(rx.icon("check", size=14), "Attended", size="1", color_scheme="green",
                                      variant="soft", on_click=S.mark(a["id"], False),
                                      aria_label="Attended: " + a["name"] + " (click to undo)"),
                            rx.button("Mark attended", size="1", variant="outline", on_click=S.mark(a["id"], True),
                                      aria_label="Mark " + a["name"] + " attended")),
                    width="100%", align="center")), spacing="1", width="100%"),
                rx.hstack(rx.icon("users", size=14), rx.text(slot["learners"], size="2", color=rx.color("gray", 11)),
                          spacing="1", align="center")),
        rx.cond((slot["status"] == "scheduled") & ~slot["started"], _move_dialog(slot)),
        rx.cond(slot["status"] == "scheduled", confirm_dialog(
            rx.button("Cancel this time", size="1", variant="soft", color_scheme="red"), "Cancel this time?",
            "Everyone booked is refunded and told by e-mail.", "Cancel time", S.cancel_slot(slot["id"])),
            rx.badge("Cancelled", color_scheme="gray")),
        spacing="2", align="start", width="100%"), width="100%")


def _move_dialog(slot) -> rx.Component:
    """"Move this time": a new date and time in the session's own zone; booked learners keep their
    seats, get a new invite and may cancel with a refund until the new start."""
    S = LiveTeachState
    # A plain button opens the controlled dialog (Reflex wraps a dialog trigger's child in a Flex,
    # which then carries the button's ARIA attributes).
    return rx.fragment(rx.button(rx.icon("calendar-clock", size=14), "Move", size="1", variant="soft",
                                 on_click=S.open_move(slot["id"]), aria_haspopup="dialog"), rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Move this time"),
            rx.dialog.description("Everyone booked keeps their seat, gets the new time with a new calendar invite, "
                                  "and may cancel with a full refund until it starts.", size="2"),
            rx.form(rx.vstack(
                rx.input(type="hidden", name="slot_id", value=slot["id"].to_string()),
                rx.hstack(
                    rx.vstack(rx.text("New date", as_="label", size="2", weight="medium", html_for="move-date"),
                              rx.input(type="date", name="date", id="move-date", default_value=slot["local_date"],
                                       required=True), spacing="1"),
                    rx.vstack(rx.text("New time", as_="label", size="2", weight="medium", html_for="move-time"),
                              rx.input(type="time", name="time", id="move-time", default_value=slot["local_time"],
                                       required=True), spacing="1"),
                    spacing="3", wrap="wrap"),
                rx.text("In the session's time zone.", size="1", color=rx.color("gray", 11)),
                rx.cond(S.move_error != "", rx.callout(S.move_error, icon="triangle-alert", color_scheme="red",
                                                       size="1", width="100%")),
                rx.hstack(rx.dialog.close(rx.button("Keep the time", variant="soft", type="button")),
                          rx.button("Move and tell learners", type="submit"), spacing="2", justify="end", width="100%"),
                spacing="3", width="100%"), on_submit=S.reschedule, reset_on_submit=False),
        ),
        open=S.moving == slot["id"], on_open_change=S.close_move))


def _week_day(day) -> rx.Component:
    return rx.box(
        rx.text(day["label"], size="2", weight="bold",
                color=rx.cond(day["today"], rx.color("accent", 11), rx.color("gray", 12))),
        rx.vstack(rx.foreach(day["items"], lambda i: rx.box(
            rx.text(i["time"], size="1", weight="medium"),
            rx.text(i["title"], size="2", weight="bold", style={"overflowWrap": "anywhere"}),
            rx.text(rx.cond(i["cancelled"], "Cancelled", i["seats"]), size="1", color=rx.color("gray", 11)),
            padding="0.4rem 0.5rem", border_radius="var(--radius-2)", width="100%",
            background=rx.cond(i["cancelled"], rx.color("gray", 3), rx.color("accent", 3)),
            text_decoration=rx.cond(i["cancelled"], "line-through", "none"))),
            rx.cond(day["items"].length() == 0, rx.text("Free", size="1", color=rx.color("gray", 11))),
            spacing="1", width="100%", margin_top="0.35rem"),
        padding="0.5rem", border_radius="var(--radius-3)", min_height="4.5rem",
        border=rx.cond(day["today"], f"2px solid {rx.color('accent', 8)}", f"1px solid {rx.color('gray', 5)}"),
        width="100%")


def _week_view() -> rx.Component:
    S = LiveTeachState
    return rx.vstack(
        rx.hstack(
            rx.heading("Week of ", S.week_label, size="5", as_="h2"), rx.spacer(),
            rx.button(rx.icon("chevron-left", size=16), variant="soft", size="2", on_click=S.shift_week(-1),
                      aria_label="Previous week"),
            rx.button("This week", variant="soft", size="2", on_click=S.shift_week(0),
                      disabled=S.week_offset == 0),
            rx.button(rx.icon("chevron-right", size=16), variant="soft", size="2", on_click=S.shift_week(1),
                      aria_label="Next week"),
            width="100%", align="center", spacing="2", wrap="wrap"),
        rx.grid(rx.foreach(S.week_days, _week_day), columns=rx.breakpoints(initial="1", sm="4", lg="7"),
                spacing="2", width="100%"),
        spacing="3", width="100%")


def _teach_offering(o) -> rx.Component:
    S = LiveTeachState
    return rx.table.row(
        rx.table.cell(rx.link(o["title"], href="/live/" + o["id"].to_string())), rx.table.cell(o["price_label"]),
        rx.table.cell(o["duration_label"]), rx.table.cell(o["capacity"]),
        rx.table.cell(rx.hstack(
            edit_button(o["id"]),
            rx.cond(o["status"] == "active",
                    rx.button("Deactivate", size="1", variant="soft", on_click=S.toggle(o["id"], "inactive")),
                    rx.button("Activate", size="1", variant="soft", on_click=S.toggle(o["id"], "active"))),
            confirm_dialog(rx.button("Delete", size="1", variant="ghost", color_scheme="red"),
                           "Delete this session?", "Only sessions nobody booked can be deleted; otherwise deactivate.",
                           "Delete", S.delete(o["id"])),
            spacing="2")))


def teach_page() -> rx.Component:
    S = LiveTeachState
    return page_shell(
        page_heading("My live sessions", "Create sessions, schedule times, see who booked."),
        edit_dialog(),
        rx.cond(S.loaded, rx.vstack(
            _week_view(),
            rx.heading("Upcoming times", size="5", as_="h2"),
            rx.text("Shown in your time zone: ", S.tz, size="2", color=rx.color("gray", 11)),
            rx.cond(S.slots.length() > 0,
                    rx.grid(rx.foreach(S.slots, _teach_slot), columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                            spacing="3", width="100%"),
                    rx.text("Nothing scheduled yet.", color=rx.color("gray", 11))),
            rx.heading("Sessions", size="5", as_="h2"),
            rx.cond(S.offerings.length() > 0,
                    table_of(["Title", "Price", "Length", "Seats", ""], rx.foreach(S.offerings, _teach_offering)),
                    empty_state("video", "No live sessions yet", "Create your first one below.")),
            rx.cond(S.revenue.length() > 0, rx.vstack(
                rx.heading("Revenue from live sessions", size="5", as_="h2"),
                table_of(["Session", "Net paid", "Your share"], rx.foreach(S.revenue, lambda r: rx.table.row(
                    rx.table.cell(r["title"]), rx.table.cell(r["net_label"]), rx.table.cell(r["share_label"])))),
                spacing="3", width="100%")),
            rx.grid(_create_form(), rx.cond(S.offerings.length() > 0, rx.vstack(_schedule_form(), _windows_form(),
                                                                                 spacing="4", width="100%")),
                    columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
            spacing="4", width="100%", align="start"), loading_block()))
