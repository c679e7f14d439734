"""The learner's home: their own enrollments (certificates and live sessions come later)."""

from __future__ import annotations

import reflex as rx

from lms_app.components.cards import course_grid
from lms_app.components.links import link_button
from lms_app.components.layout import empty_state, loading_block, page_heading, page_shell
from lms_app.db import run_db
from lms_app.models.views import CourseCardView
from lms_app.services import dashboards
from lms_app.services.permissions import LEARNER_AREA
from lms_app.state.auth import AuthState
from lms_app.state.guard import current_actor, guarded


class DashboardState(rx.State):
    courses: list[CourseCardView] = []
    loaded: bool = False

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        self.courses = await run_db(dashboards.learner_courses, current_actor())
        self.loaded = True


def page() -> rx.Component:
    return page_shell(
        page_heading(rx.cond(AuthState.user["name"] != "", "Hi, " + AuthState.user["name"], "My learning"),
                     "Pick up where you left off."),
        rx.cond(
            DashboardState.loaded,
            rx.vstack(
                rx.heading("My courses", size="5", as_="h2"),
                rx.cond(
                    DashboardState.courses.length() > 0,
                    course_grid(DashboardState.courses),
                    empty_state("book-open", "You have not joined a course yet",
                                "Browse the featured courses and categories to find your first one.",
                                link_button("Explore courses", href="/courses")),
                ),
                spacing="4", width="100%", align="start",
            ),
            loading_block(),
        ),
    )


ROUTE = "/dashboard"
TITLE = "My learning"
ON_LOAD = [AuthState.refresh, DashboardState.load]
