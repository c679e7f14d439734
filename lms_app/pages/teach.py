"""The teacher's home: their own courses with status and student counts."""

from __future__ import annotations

import reflex as rx

from lms_app.components.cards import course_grid
from lms_app.components.layout import empty_state, loading_block, page_heading, page_shell, stat_card
from lms_app.db import run_db
from lms_app.models.views import CourseCardView
from lms_app.services import dashboards
from lms_app.services.permissions import TEACHER_AREA
from lms_app.state.auth import AuthState
from lms_app.state.guard import current_actor, guarded


class TeachState(rx.State):
    courses: list[CourseCardView] = []
    loaded: bool = False

    @rx.event
    @guarded(TEACHER_AREA)
    async def load(self):
        self.courses = await run_db(dashboards.teacher_courses, current_actor())
        self.loaded = True

    @rx.var
    def published_count(self) -> int:
        return sum(1 for c in self.courses if c["status"] == "published")

    @rx.var
    def student_total(self) -> int:
        return sum(c["student_count"] for c in self.courses)


def page() -> rx.Component:
    return page_shell(
        page_heading("Teaching", "Your courses, their status and how many learners they reach."),
        rx.cond(
            TeachState.loaded,
            rx.vstack(
                rx.grid(
                    stat_card("Courses", TeachState.courses.length(), "library"),
                    stat_card("Published", TeachState.published_count, "circle-check"),
                    stat_card("Students", TeachState.student_total, "users"),
                    columns=rx.breakpoints(initial="1", sm="3"), spacing="4", width="100%",
                ),
                rx.heading("My courses", size="5", as_="h2", margin_top="1rem"),
                rx.cond(
                    TeachState.courses.length() > 0,
                    course_grid(TeachState.courses, show_status=True),
                    empty_state("presentation", "No courses yet",
                                "Your courses will be listed here with their review status and students."),
                ),
                spacing="4", width="100%", align="start",
            ),
            loading_block(),
        ),
    )


ROUTE = "/teach"
TITLE = "Teaching"
ON_LOAD = [AuthState.refresh, TeachState.load]
