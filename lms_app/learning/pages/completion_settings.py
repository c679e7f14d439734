"""The course editor's "How lessons complete" card: the course's completion rule (teacher setting).

A card of its own state, shown in the editor's Details tab; every handler goes through the
service (owner or admin) with the course id the client names."""

from __future__ import annotations

import reflex as rx

from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import TEACHER_AREA
from lms_app.learning.services import completion

_LABEL = {"fontSize": "var(--font-size-2)", "fontWeight": "500"}


class CompletionSettingsState(rx.State):
    course_id: int = 0
    video_rule: str = "manual"
    video_percent: str = "90"
    reading_rule: str = "manual"
    reading_minutes: str = "1"
    summary: str = ""
    error: str = ""
    saving: bool = False
    version: int = 0

    def _apply(self, view: dict) -> None:
        self.course_id = view["course_id"]
        self.video_rule, self.video_percent = view["video_rule"], view["video_percent"]
        self.reading_rule, self.reading_minutes = view["reading_rule"], view["reading_minutes"]
        self.summary = view["summary"]
        self.version += 1

    @rx.event
    @guarded(TEACHER_AREA)
    async def load(self, course_id: int = 0):
        self.error = ""
        if not course_id:
            self.course_id = 0
            return
        try:
            self._apply(await run_db(completion.settings_view, current_actor(), course_id))
        except ServiceError:
            self.course_id = 0

    @rx.event
    @guarded(TEACHER_AREA)
    async def save(self, form: dict):
        self.saving, self.error = True, ""
        yield
        try:
            await run_db(completion.save, current_actor(), self.course_id, form)
            self._apply(await run_db(completion.settings_view, current_actor(), self.course_id))
        except ServiceError as exc:
            self.error = exc.message
            return
        finally:
            self.saving = False
        yield rx.toast.success("Completion rule saved")


C = CompletionSettingsState


def completion_card(course_id: rx.Var) -> rx.Component:
    """The card; ``course_id`` is the editor's course (loads when it changes)."""
    form = rx.form(
        rx.vstack(
            rx.el.label("Videos", html_for="completion-video-rule", style=_LABEL),
            rx.el.select(rx.el.option("Only by watching", value="watch"),
                         rx.el.option("Learner marks complete", value="manual"),
                         id="completion-video-rule", name="video_rule", default_value=C.video_rule,
                         class_name="lms-native-select"),
            rx.el.label("Share of each video to watch (%)", html_for="completion-video-percent", style=_LABEL),
            rx.input(id="completion-video-percent", name="video_percent", type="number", min="50", max="100",
                     default_value=C.video_percent, width="8rem"),
            rx.el.label("Readings (text and PDF)", html_for="completion-reading-rule", style=_LABEL),
            rx.el.select(rx.el.option("Learner marks complete", value="manual"),
                         rx.el.option("After a minimum time", value="time"),
                         id="completion-reading-rule", name="reading_rule", default_value=C.reading_rule,
                         class_name="lms-native-select"),
            rx.el.label("Minimum reading time (minutes)", html_for="completion-reading-minutes", style=_LABEL),
            rx.input(id="completion-reading-minutes", name="reading_minutes", type="number", min="1", max="60",
                     default_value=C.reading_minutes, width="8rem"),
            rx.cond(C.error != "", rx.text(C.error, size="1", color=rx.color("red", 11), role="alert")),
            rx.button(rx.icon("save", size=16), "Save completion rule", type="submit", loading=C.saving,
                      id="save-completion-rule"),
            rx.text("Skipping ahead in a video never counts as watching.", size="1", color=rx.color("gray", 11)),
            rx.text(C.summary, size="1", color=rx.color("gray", 11), id="completion-summary"),
            spacing="2", width="100%", align="start",
        ),
        on_submit=C.save, reset_on_submit=False, width="100%", key=C.version.to_string(),
    )
    return rx.card(
        rx.vstack(rx.heading("How lessons complete", size="3", as_="h3"),
                  rx.text("Certificates prove what this rule asks. Quizzes and assignments complete by passing.",
                          size="1", color=rx.color("gray", 11)),
                  form, spacing="3", width="100%"),
        width="100%", key=course_id.to_string(), on_mount=CompletionSettingsState.load(course_id),
    )
