"""The course player's panel for a "live session" lesson (``lesson.LIVE_SESSION``).

Learners with access see the time in their zone, the seats left and "Book my seat (included)";
once booked, the join button opens 15 minutes before. The course's teacher picks which of their
upcoming times the lesson includes. The lesson id comes from the page URL; every service call
checks access itself. The meeting link is never put in a var (``join`` redirects to it).
"""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import LEARNER_AREA
from lms_app.core.settings import get_settings
from lms_app.live import lesson, services, times

READ_TZ = "Intl.DateTimeFormat().resolvedOptions().timeZone"


class ChoiceView(TypedDict):
    id: int
    label: str


class LiveLessonView(TypedDict):
    role: str
    message: str
    has_time: bool
    title: str
    when: str
    starts_at: str
    seats_left: int
    capacity: int
    cancelled: bool
    booking_id: int
    booked: bool
    join_open: bool
    choices: list[ChoiceView]
    slot_id: int


EMPTY = LiveLessonView(role="", message="", has_time=False, title="", when="", starts_at="", seats_left=0, capacity=0,
                       cancelled=False, booking_id=0, booked=False, join_open=False, choices=[], slot_id=0)


class LiveLessonState(rx.State):
    data: LiveLessonView = EMPTY
    busy: bool = False
    _lesson: int = 0
    _tz: str = "UTC"

    def _lesson_from_url(self) -> int:
        parts = self.router.url.path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "learn" and parts[2].isdigit() and len(parts[2]) < 18:
            return int(parts[2])
        return 0

    async def _refresh(self):
        try:
            self.data = await run_db(lesson.panel, current_actor(), self._lesson, self._tz)
        except ServiceError as exc:
            self.data = {**EMPTY, "role": "none", "message": exc.message}

    @rx.event
    @guarded(LEARNER_AREA)
    def load(self):
        self.data, self._lesson = EMPTY, self._lesson_from_url()
        return rx.call_script(READ_TZ, callback=LiveLessonState.with_tz)

    @rx.event
    @guarded(LEARNER_AREA)
    async def with_tz(self, tz: str):
        self._tz = times.zone(tz).key
        await self._refresh()

    @rx.event
    @guarded(LEARNER_AREA)
    async def book(self):
        self.busy = True
        yield
        try:
            await run_db(lesson.book_for_lesson, get_settings(), current_actor(), self._lesson)
            yield rx.toast.success("Seat booked. The calendar invite is in your e-mail.")
        except ServiceError as exc:
            yield rx.toast.error(exc.message)
        finally:
            self.busy = False
        await self._refresh()

    @rx.event
    @guarded(LEARNER_AREA)
    async def link(self, form: dict):
        """Staff: which upcoming time this lesson includes (checked in the service)."""
        slot_id = form.get("slot_id") if isinstance(form, dict) else None
        try:
            await run_db(lesson.link_time, current_actor(), self._lesson, slot_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._refresh()
        return rx.toast.success("Time set. Learners of the course can book it now.")

    @rx.event
    @guarded(LEARNER_AREA)
    async def join(self):
        try:
            url = await run_db(services.join_link, current_actor(), self.data["booking_id"])
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        return rx.redirect(url, is_external=True)


def _time_card() -> rx.Component:
    D = LiveLessonState.data
    return rx.card(rx.vstack(
        rx.hstack(rx.icon("video", size=18, color=rx.color("accent", 11)), rx.text(D["title"], weight="bold"),
                  spacing="2", align="center"),
        rx.text(D["when"], size="2"),
        rx.cond(D["cancelled"],
                rx.badge("Cancelled by the teacher", color_scheme="red"),
                rx.text(D["seats_left"].to_string() + " of " + D["capacity"].to_string() + " seats left", size="2",
                        color=rx.color("gray", 11))),
        spacing="2", align="start", width="100%"), width="100%")


def _learner() -> rx.Component:
    S = LiveLessonState
    D = S.data
    return rx.cond(
        D["has_time"],
        rx.vstack(
            _time_card(),
            rx.cond(D["booked"],
                    rx.hstack(rx.badge(rx.icon("check", size=14), "Your seat is booked", color_scheme="green",
                                       size="2"),
                              rx.cond(D["join_open"], rx.button(rx.icon("video", size=16), "Join", on_click=S.join),
                                      rx.text("Join opens 15 min before the start.", size="2",
                                              color=rx.color("gray", 11))),
                              spacing="3", align="center", wrap="wrap"),
                    rx.cond(~D["cancelled"],
                            rx.button(rx.icon("calendar-check", size=16), "Book my seat (included in the course)",
                                      on_click=S.book, loading=S.busy))),
            spacing="3", width="100%", align="start"),
        rx.callout("The teacher has not set the time of this live session yet.", icon="calendar-clock",
                   width="100%"))


def _staff() -> rx.Component:
    S = LiveLessonState
    D = S.data
    return rx.vstack(
        rx.cond(D["has_time"], _time_card(),
                rx.callout("No time set yet: learners cannot book until you pick one.", icon="calendar-clock",
                           color_scheme="amber", width="100%")),
        rx.cond(D["choices"].length() > 0,
                rx.form(rx.hstack(
                    rx.el.select(rx.foreach(D["choices"], lambda c: rx.el.option(c["label"], value=c["id"])),
                                 name="slot_id", aria_label="Live-session time for this lesson",
                                 style={"padding": "6px", "borderRadius": "6px", "minWidth": "16rem",
                                        "maxWidth": "100%"}),
                    rx.button(rx.cond(D["has_time"], "Change the time", "Use this time"), type="submit"),
                    spacing="2", wrap="wrap", align="center"), on_submit=S.link, reset_on_submit=False),
                rx.text("Schedule a time on ", rx.link("My live sessions", href="/teach/live"),
                        " first; it appears here.", size="2", color=rx.color("gray", 11))),
        spacing="3", width="100%", align="start")


def live_lesson_panel() -> rx.Component:
    from lms_app.learning.pages.learn_state import LearnState

    S = LiveLessonState
    return rx.cond(
        LearnState.signed_in,
        rx.box(rx.cond(
            S.data["role"] == "",
            rx.skeleton(rx.box(height="96px", width="100%")),
            rx.match(S.data["role"],
                     ("staff", _staff()),
                     ("learner", _learner()),
                     rx.callout(S.data["message"], icon="lock", width="100%"))),
            on_mount=S.load, width="100%"),
        rx.callout("Sign in and enroll in the course to book this live session.", icon="lock", width="100%"))
