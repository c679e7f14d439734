"""The teacher's authoring dashboard: their own courses with status, students and lessons."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.wording import counted

from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell, stat_card
from lms_app.ui.links import link_button
from lms_app.ui.navbar import nav_items
from lms_app.ui.status import status_badge
from lms_app.core.db import run_db
from lms_app.authoring.views import TeacherCourseRow
from lms_app.authoring.services import (
    courses as authoring,
    checks as authoring_checks,
    views as authoring_views,
)
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import TEACHER_AREA
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded


class TeachState(rx.State):
    courses: list[TeacherCourseRow] = []
    loaded: bool = False
    creating: bool = False
    create_open: bool = False
    create_error: str = ""

    @rx.event
    @guarded(TEACHER_AREA)
    async def load(self):
        self.courses = await run_db(authoring_views.teacher_rows, current_actor())
        self.create_open, self.create_error = False, ""
        self.loaded = True

    @rx.event
    @guarded(TEACHER_AREA)
    async def create_dialog_changed(self, is_open: bool):
        self.create_open = is_open is True
        self.create_error = ""

    @rx.event
    @guarded(TEACHER_AREA)
    async def create_course(self, form: dict):
        self.create_error = ""
        title = form.get("title") if isinstance(form, dict) else None
        self.creating = True
        yield
        try:
            course = await run_db(authoring.create_course, current_actor(), title)
        except ServiceError as exc:
            self.create_error, self.creating = exc.message, False
            return
        self.creating, self.create_open = False, False
        yield [rx.toast.success("Draft created. Fill in the details, then add modules and lessons."),
               rx.redirect(f"/teach/courses/{course.id}")]

    @rx.var
    def published_count(self) -> int:
        return sum(1 for c in self.courses if c["status"] == "published")

    @rx.var
    def student_total(self) -> int:
        return sum(c["student_count"] for c in self.courses)

    @rx.var
    def pending_count(self) -> int:
        return sum(1 for c in self.courses if c["status"] == "pending")


def _new_course_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("plus", size=16), "New course")),
        rx.dialog.content(
            rx.dialog.title("New course"),
            rx.dialog.description("Start with a working title; you can change it and add the rest later.",
                                  size="2", color=rx.color("gray", 11)),
            rx.form(
                rx.vstack(
                    rx.el.label("Title", html_for="new-course-title",
                                style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
                    rx.input(id="new-course-title", name="title", required=True, min_length=authoring_checks.TITLE_MIN,
                             max_length=authoring_checks.TITLE_MAX, placeholder="e.g. Python for data journalists",
                             width="100%", size="3", auto_focus=True),
                    rx.cond(TeachState.create_error != "",
                            rx.text(TeachState.create_error, size="1", color=rx.color("red", 11), role="alert")),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
                        rx.button("Create draft", type="submit", loading=TeachState.creating),
                        spacing="3", justify="end", width="100%",
                    ),
                    spacing="3", width="100%", align="start",
                ),
                on_submit=TeachState.create_course, reset_on_submit=False,
            ),
        ),
        open=TeachState.create_open, on_open_change=TeachState.create_dialog_changed,
    )


def _thumb(c) -> rx.Component:
    hue = c["hue"].to_string()
    return rx.cond(
        c["thumbnail_url"] != "",
        rx.image(src=c["thumbnail_url"], alt="", width="112px", aspect_ratio="16 / 9", object_fit="cover",
                 border_radius="6px", flex_shrink="0", class_name="lms-hide-narrow"),
        rx.center(rx.text(c["initials"], weight="bold", color="white", size="3"), width="112px",
                  aspect_ratio="16 / 9", border_radius="6px", flex_shrink="0", aria_hidden="true",
                  class_name="lms-hide-narrow",
                  background="linear-gradient(135deg, hsl(" + hue + " 65% 42%), hsl(" + hue + " 70% 28%))"),
    )


def _course_row(c) -> rx.Component:
    return rx.card(
        rx.flex(
            _thumb(c),
            rx.vstack(
                rx.hstack(rx.link(rx.heading(c["title"], size="4", as_="h3"), href="/teach/courses/" + c["id"].to_string(),
                                  color=rx.color("gray", 12), underline="hover"),
                          status_badge(c["status"], "1"), align="center", spacing="2", wrap="wrap"),
                rx.hstack(
                    rx.hstack(rx.icon("users", size=14), rx.text(counted(c["student_count"], "student")), spacing="1",
                              align="center"),
                    rx.hstack(rx.icon("list", size=14), rx.text(counted(c["lesson_count"], "lesson")), spacing="1",
                              align="center"),
                    rx.text(c["price_label"]),
                    rx.text("Updated ", c["updated"], class_name="lms-hide-narrow"),
                    spacing="4", wrap="wrap", color=rx.color("gray", 11), font_size="var(--font-size-2)",
                ),
                rx.cond((c["status"] == "rejected") & (c["review_note"] != ""),
                        rx.text("Changes requested: ", c["review_note"], size="2", color=rx.color("red", 11),
                                trim="end", style={"display": "-webkit-box", "WebkitLineClamp": "2",
                                                   "WebkitBoxOrient": "vertical", "overflow": "hidden"})),
                spacing="1", flex="1", min_width="0", align="start",
            ),
            link_button(rx.icon("pencil", size=14), "Edit", href="/teach/courses/" + c["id"].to_string(),
                        variant="soft", size="2"),
            align="center", gap="4", width="100%",
        ),
        width="100%",
    )


def page() -> rx.Component:
    return page_shell(
        rx.hstack(
            page_heading("Teaching", "Create courses, build their curriculum and send them for review."),
            rx.spacer(),
            # The teacher's other pages, from every plugin's "teacher" menu entries (lms_nav_items).
            *[link_button(rx.icon(item.icon, size=16), item.label, href=item.href, variant="soft")
              for item in nav_items("teacher")],
            rx.cond(TeachState.loaded, _new_course_dialog()),
            align="start", width="100%", wrap="wrap",
        ),
        rx.cond(
            TeachState.loaded,
            rx.vstack(
                rx.grid(
                    stat_card("Courses", TeachState.courses.length(), "library"),
                    stat_card("Published", TeachState.published_count, "circle-check"),
                    stat_card("In review", TeachState.pending_count, "hourglass"),
                    stat_card("Students", TeachState.student_total, "users"),
                    columns=rx.breakpoints(initial="2", md="4"), spacing="4", width="100%",
                ),
                rx.heading("My courses", size="5", as_="h2", margin_top="1rem"),
                rx.cond(
                    TeachState.courses.length() > 0,
                    rx.vstack(rx.foreach(TeachState.courses, _course_row), spacing="3", width="100%"),
                    empty_state("presentation", "No courses yet",
                                "Create your first course: give it a title, then add modules and lessons."),
                ),
                spacing="4", width="100%", align="start",
            ),
            loading_block(),
        ),
    )


ROUTE = "/teach"
TITLE = "Teaching"
ON_LOAD = [AuthState.refresh, TeachState.load]
