"""/teach/analytics: a teacher's own courses — enrolments over time, completion, lesson funnel,
quiz scores, rating and revenue. The service only ever reads courses whose teacher is the caller."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from lms_app.ui.status import course_status_text

from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell, stat_card
from lms_app.core.db import run_db
from lms_app.analytics.pages.admin import table
from lms_app.analytics.services import teacher as teacher_analytics
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import TEACHER_AREA
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded

ROUTE = "/teach/analytics"
TITLE = "Teaching analytics"
LABEL = {"fontSize": "var(--font-size-2)", "fontWeight": "500"}


class TeachCourseStat(TypedDict):
    id: int
    title: str
    status: str
    rating: str
    students: int
    enrolled: int
    completed: int
    new: int
    completion: str
    revenue: str


class EnrollPoint(TypedDict):
    date: str
    enrollments: int


class FunnelStep(TypedDict):
    step: int
    lesson: str
    started: int
    completed: int


class ScoreBand(TypedDict):
    band: str
    submissions: int


class TeachTotals(TypedDict):
    new: int
    completion: str
    revenue: str


class TeachAnalyticsState(rx.State):
    start: str = ""
    end: str = ""
    label: str = ""
    courses: list[TeachCourseStat] = []
    enrollments: list[EnrollPoint] = []
    totals: TeachTotals = TeachTotals(new=0, completion="—", revenue="—")
    selected: int = 0
    funnel: list[FunnelStep] = []
    scores: list[ScoreBand] = []
    loaded: bool = False
    busy: bool = False
    error: str = ""

    async def _fetch(self, start, end, course_id):
        data = await run_db(teacher_analytics.overview, current_actor(), start, end, course_id)
        self.start, self.end, self.label = data["period"]["start"], data["period"]["end"], data["period"]["label"]
        self.courses, self.enrollments, self.totals = data["courses"], data["enrollments"], data["totals"]
        self.selected, self.funnel, self.scores = data["selected"], data["funnel"], data["scores"]

    @rx.event
    @guarded(TEACHER_AREA)
    async def load(self):
        await self._fetch(None, None, None)
        if self.courses and not self.selected:  # start with the course most learners joined
            await self._fetch(None, None, max(self.courses, key=lambda c: c["enrolled"])["id"])
        self.error, self.loaded = "", True

    @rx.event
    @guarded(TEACHER_AREA)
    async def apply(self, form: dict):
        form = form if isinstance(form, dict) else {}
        self.busy = True
        yield
        try:
            await self._fetch(form.get("start"), form.get("end"), form.get("course_id") or self.selected or None)
        except ServiceError as exc:
            self.busy, self.error = False, exc.message
            return
        self.busy, self.error = False, ""


S = TeachAnalyticsState


def filters() -> rx.Component:
    return rx.form(rx.flex(
        rx.vstack(rx.el.label("Course for funnel and quiz scores", html_for="ta-course", style=LABEL),
                  rx.el.select(rx.foreach(S.courses, lambda c: rx.el.option(c["title"], value=c["id"].to_string())),
                               id="ta-course", name="course_id", value=S.selected.to_string(),
                               class_name="lms-native-select",
                               on_change=lambda v: S.apply({"start": S.start, "end": S.end, "course_id": v})),
                  spacing="1", min_width="220px"),
        rx.vstack(rx.el.label("From", html_for="ta-start", style=LABEL),
                  rx.input(id="ta-start", name="start", type="date", default_value=S.start, key=S.start), spacing="1"),
        rx.vstack(rx.el.label("To", html_for="ta-end", style=LABEL),
                  rx.input(id="ta-end", name="end", type="date", default_value=S.end, key=S.end), spacing="1"),
        rx.button(rx.icon("refresh-cw", size=16), "Apply", type="submit", loading=S.busy),
        spacing="3", align="end", wrap="wrap"), on_submit=S.apply, reset_on_submit=False)


def _axis():
    return {"stroke": rx.color("gray", 10), "font_size": 12}


def enrollment_chart() -> rx.Component:
    return rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", stroke=rx.color("gray", 6)),
        rx.recharts.x_axis(data_key="date", **_axis()), rx.recharts.y_axis(allow_decimals=False, **_axis()),
        rx.recharts.graphing_tooltip(),
        rx.recharts.bar(data_key="enrollments", name="Enrollments", is_animation_active=False, fill=rx.color("accent", 9)),
        data=S.enrollments, width="100%", height=220)


def funnel_chart() -> rx.Component:
    return rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", stroke=rx.color("gray", 6)),
        rx.recharts.x_axis(data_key="step", **_axis()), rx.recharts.y_axis(allow_decimals=False, **_axis()),
        rx.recharts.graphing_tooltip(), rx.recharts.legend(),
        rx.recharts.bar(data_key="started", name="Reached", is_animation_active=False, fill=rx.color("accent", 7)),
        rx.recharts.bar(data_key="completed", name="Completed", is_animation_active=False, fill=rx.color("green", 9)),
        data=S.funnel, width="100%", height=260)


def score_chart() -> rx.Component:
    return rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", stroke=rx.color("gray", 6)),
        rx.recharts.x_axis(data_key="band", **_axis()), rx.recharts.y_axis(allow_decimals=False, **_axis()),
        rx.recharts.graphing_tooltip(),
        rx.recharts.bar(data_key="submissions", name="Submissions", is_animation_active=False, fill=rx.color("amber", 9)),
        data=S.scores, width="100%", height=220)


def card(title, *children) -> rx.Component:
    return rx.card(rx.vstack(rx.heading(title, size="4", as_="h2"), *children, spacing="3", width="100%"),
                   width="100%")


def body() -> rx.Component:
    return rx.vstack(
        filters(),
        rx.cond(S.error != "", rx.callout(S.error, icon="circle-alert", color_scheme="red", role="alert", width="100%")),
        rx.grid(stat_card("New enrollments", S.totals["new"], "user-plus"),
                stat_card("Completion rate (all time)", S.totals["completion"], "graduation-cap"),
                stat_card("Your revenue in the period", S.totals["revenue"], "wallet"),
                columns=rx.breakpoints(initial="1", md="3"), spacing="3", width="100%"),
        card(rx.fragment("Enrollments · ", S.label), enrollment_chart()),
        card("Your courses", table(
            ["Course", "Status", "Rating", "Enrolled", "Completed", "Completion", "Revenue"], S.courses,
            lambda c: [c["title"], course_status_text(c["status"]), c["rating"], c["enrolled"], c["completed"], c["completion"],
                       c["revenue"]])),
        card("Lesson funnel",
             rx.text("How many learners reached and completed each lesson, in course order: a drop shows where "
                     "learners stop.", size="2", color=rx.color("gray", 11)),
             rx.cond(S.funnel.length() > 0, rx.fragment(
                 funnel_chart(),
                 table(["Lesson", "Reached", "Completed"], S.funnel,
                       lambda f: [f["lesson"], f["started"], f["completed"]])),
                 rx.text("This course has no lessons yet.", size="2", color=rx.color("gray", 11)))),
        card("Quiz scores", rx.cond(S.scores.length() > 0, score_chart(),
                                    rx.text("No quiz submissions yet.", size="2", color=rx.color("gray", 11)))),
        spacing="5", width="100%",
    )


def page() -> rx.Component:
    return page_shell(
        page_heading("Teaching analytics", "How learners move through your courses."),
        rx.cond(S.loaded,
                rx.cond(S.courses.length() > 0, body(),
                        empty_state("chart-line", "No courses yet",
                                    "Create a course from your teaching dashboard; its analytics appear here.")),
                loading_block()),
    )


ON_LOAD = [AuthState.refresh, TeachAnalyticsState.load]
