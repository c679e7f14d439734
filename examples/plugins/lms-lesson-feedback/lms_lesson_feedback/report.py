"""/teach/feedback: for each lesson of the teacher's own courses, how many learners found it clear.

Least clear lessons first, 20 a page, optionally one course. The service reads only courses whose
teacher is the caller (admins: every course) and never who answered, only the counts.
"""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from lms_app.core.auth_state import AuthState
from lms_app.core.db import run_db
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import TEACHER_AREA
from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell, stat_card
from lms_app.ui.links import link_button
from lms_lesson_feedback import services

ROUTE = "/teach/feedback"
TITLE = "Lesson feedback"


class FeedbackRow(TypedDict):
    lesson_id: int
    lesson: str
    course: str
    href: str
    yes: int
    no: int
    total: int
    percent: int
    tone: str


class CourseOption(TypedDict):
    id: str
    title: str


class FeedbackTotals(TypedDict):
    answers: int
    lessons: int
    clear: str


class FeedbackReportState(rx.State):
    rows: list[FeedbackRow] = []
    courses: list[CourseOption] = []
    course_id: str = ""  # "" = all of the teacher's courses
    totals: FeedbackTotals = FeedbackTotals(answers=0, lessons=0, clear="—")
    page: int = 1
    pages: int = 1
    loaded: bool = False
    busy: bool = False

    async def _fetch(self, course_id, page) -> None:
        data = await run_db(services.report, current_actor(), course_id, page)
        self.rows, self.courses, self.course_id = data["rows"], data["courses"], data["course_id"]
        self.totals, self.page, self.pages = data["totals"], data["page"], data["pages"]
        self.loaded = True

    @rx.event
    @guarded(TEACHER_AREA)
    async def load(self):
        await self._fetch(None, 1)

    @rx.event
    @guarded(TEACHER_AREA)
    async def choose_course(self, course_id: str):
        """Show one course ("" or "all": every course); the service ignores a course that is not the caller's."""
        self.busy = True
        yield
        try:
            await self._fetch(None if course_id in ("", "all") else course_id, 1)
        finally:
            self.busy = False

    @rx.event
    @guarded(TEACHER_AREA)
    async def next_page(self):
        if self.page < self.pages:
            await self._fetch(self.course_id or None, self.page + 1)

    @rx.event
    @guarded(TEACHER_AREA)
    async def prev_page(self):
        if self.page > 1:
            await self._fetch(self.course_id or None, self.page - 1)


S = FeedbackReportState
LABEL = {"fontSize": "var(--font-size-2)", "fontWeight": "500"}


def _course_filter() -> rx.Component:
    return rx.vstack(
        rx.el.label("Course", html_for="feedback-course", style=LABEL),
        rx.hstack(
            rx.el.select(
                rx.el.option("All my courses", value="all"),
                rx.foreach(S.courses, lambda c: rx.el.option(c["title"], value=c["id"])),
                id="feedback-course", value=rx.cond(S.course_id == "", "all", S.course_id),
                class_name="lms-native-select", on_change=S.choose_course, disabled=S.busy,
            ),
            rx.cond(S.busy, rx.spinner(size="2", aria_label="Loading")),
            align="center", spacing="2",
        ),
        spacing="1", min_width="220px",
    )


def _clear_cell(row) -> rx.Component:
    return rx.hstack(
        rx.badge(row["percent"].to_string() + "%", color_scheme=row["tone"], variant="soft", size="2",
                 min_width="3.25rem", justify="center"),
        rx.progress(value=row["percent"], max=100, color_scheme=row["tone"], width="100%", min_width="3rem",
                    aria_label="Share of learners who found it clear", class_name="lms-hide-narrow"),
        align="center", spacing="3", width="100%",
    )


def _row(row) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.vstack(
            rx.link(row["lesson"], href=row["href"], weight="medium"),
            rx.text(row["course"], size="1", color=rx.color("gray", 11)),
            spacing="0", align="start",
        )),
        rx.table.cell(row["yes"], text_align="right"),
        rx.table.cell(row["no"], text_align="right"),
        rx.table.cell(_clear_cell(row)),
        align="center",
    )


def _table() -> rx.Component:
    return rx.box(rx.table.root(
        rx.table.header(rx.table.row(
            rx.table.column_header_cell("Lesson"),
            rx.table.column_header_cell("Yes", text_align="right", width=rx.breakpoints(initial="3rem", sm="4rem")),
            rx.table.column_header_cell("No", text_align="right", width=rx.breakpoints(initial="3rem", sm="4rem")),
            rx.table.column_header_cell("Clear", width=rx.breakpoints(initial="4.75rem", sm="30%")),
        )),
        rx.table.body(rx.foreach(S.rows, _row)),
        variant="surface", size="2", width="100%",
    ), width="100%", overflow_x="auto")


def _pager() -> rx.Component:
    return rx.cond(
        S.pages > 1,
        rx.hstack(
            rx.button(rx.icon("chevron-left", size=16), "Previous", variant="soft", on_click=S.prev_page,
                      disabled=S.page <= 1),
            rx.text("Page ", S.page.to_string(), " of ", S.pages.to_string(), size="2", color=rx.color("gray", 11)),
            rx.button("Next", rx.icon("chevron-right", size=16), variant="soft", on_click=S.next_page,
                      disabled=S.page >= S.pages),
            align="center", justify="center", spacing="3", width="100%",
        ),
    )


def _report() -> rx.Component:
    return rx.vstack(
        rx.grid(
            stat_card("Answers", S.totals["answers"], "message-circle-question"),
            stat_card("Lessons with answers", S.totals["lessons"], "book-open"),
            stat_card("Found clear", S.totals["clear"], "thumbs-up"),
            columns=rx.breakpoints(initial="1", sm="3"), spacing="3", width="100%",
        ),
        rx.flex(
            _course_filter(),
            rx.text("Least clear first: start improving at the top.", size="2", color=rx.color("gray", 11)),
            justify="between", align="end", wrap="wrap", width="100%", style={"gap": "0.5rem 1rem"},
        ),
        _table(),
        _pager(),
        spacing="4", width="100%",
    )


def page() -> rx.Component:
    return page_shell(
        page_heading("Lesson feedback", "Whether learners found each lesson of your courses clear."),
        rx.cond(
            S.loaded,
            rx.cond(
                S.totals["answers"] > 0,
                _report(),
                empty_state(
                    "message-circle-question", "No answers yet",
                    "Under every lesson, enrolled learners are asked “Was this lesson clear?”. Their answers "
                    "appear here, least clear lessons first.",
                    link_button("Back to teaching", href="/teach", variant="soft"),
                ),
            ),
            loading_block(),
        ),
    )


ON_LOAD = [AuthState.refresh, FeedbackReportState.load]
