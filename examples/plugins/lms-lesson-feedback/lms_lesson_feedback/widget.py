"""The question under every lesson of the course player: "Was this lesson clear?" Yes / No.

Shown to enrolled learners only (``LearnState.tracking``; the service checks the enrolment again
on the server). The player changes lessons on one route without remounting the page, so the
question's box is keyed by the open lesson's id: a new lesson remounts the box inside it, whose
``on_mount`` loads that lesson's answer. The handlers never take a lesson id from the browser:
they read the open lesson from ``LearnState`` on the server.
"""

from __future__ import annotations

import reflex as rx

from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import LEARNER_AREA
from lms_app.learning.pages.learn_state import LearnState
from lms_lesson_feedback import services


class LessonFeedbackState(rx.State):
    # The lesson ``choice`` belongs to (0: none loaded): the buttons show only when it is the open lesson.
    lesson_id: int = 0
    choice: str = ""  # "", "yes" or "no": the learner's own answer
    saving: str = ""  # the answer being saved (its button shows a spinner)

    async def _open_lesson_id(self) -> int:
        """The lesson open in this tab's player, if the viewer is an enrolled learner there (else 0)."""
        learn = await self.get_state(LearnState)
        return learn._lesson_id() if learn.view == "ok" and learn.tracking else 0

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        """The learner's answer for the open lesson (on mount, once per lesson)."""
        lesson_id = await self._open_lesson_id()
        choice = await run_db(services.my_answer, current_actor(), lesson_id) if lesson_id else ""
        self.lesson_id, self.choice, self.saving = lesson_id, choice, ""

    @rx.event
    @guarded(LEARNER_AREA)
    async def answer(self, value: str):
        """Save "yes" or "no" for the lesson open on the server; the service checks the enrolment."""
        if not isinstance(value, str) or value not in services.ANSWERS:
            yield rx.toast.error("Choose “Yes” or “No”.")
            return
        lesson_id = await self._open_lesson_id()
        if not lesson_id or lesson_id != self.lesson_id:
            # The question on screen is not the lesson open on the server (it has not loaded yet).
            yield [rx.toast.info("This lesson's question is still loading: please answer again."),
                   LessonFeedbackState.load]
            return
        if value == self.choice:
            return
        before = self.choice
        self.saving = value
        yield
        try:
            self.choice = await run_db(services.answer, current_actor(), lesson_id, value)
        except ServiceError as exc:
            self.saving = ""
            yield rx.toast.error(exc.message)
            return
        self.saving = ""
        yield rx.toast.success("Answer changed. Thank you!" if before else "Thank you for your answer!")


S = LessonFeedbackState
L = LearnState


def _answer_button(value: str, label: str, icon: str, color: str) -> rx.Component:
    chosen = S.choice == value
    return rx.button(
        rx.icon(icon, size=16), label,
        # The chosen answer in its colour (Radix step 11 text on step 3: WCAG AA in both themes), the other outlined.
        variant=rx.cond(chosen, "soft", "outline"), color_scheme=rx.cond(chosen, color, "gray"),
        loading=S.saving == value, disabled=S.saving != "",
        aria_pressed=rx.cond(chosen, "true", "false"),
        on_click=S.answer(value), size="2", min_width="5.5rem",
    )


def _thanks() -> rx.Component:
    return rx.text(
        rx.cond(S.choice == "yes", "Glad it was clear. ",
                "Thanks: your teacher will see that this lesson needs work. "),
        "You can change your answer at any time.",
        size="1", color=rx.color("gray", 11),
    )


def _question() -> rx.Component:
    ready = S.lesson_id == L.content["id"]
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.hstack(
                    rx.icon("message-circle-question", size=20, color=rx.color("accent", 11), aria_hidden="true"),
                    rx.text("Was this lesson clear?", weight="medium", id="lesson-feedback-question"),
                    align="center", spacing="2",
                ),
                rx.cond(
                    ready,
                    rx.hstack(_answer_button("yes", "Yes", "thumbs-up", "green"),
                              _answer_button("no", "No", "thumbs-down", "tomato"), spacing="2"),
                    rx.skeleton(rx.box(width="11.5rem", height="32px")),
                ),
                justify="between", align="center", wrap="wrap", width="100%", style={"gap": "0.75rem 1rem"},
            ),
            rx.cond(ready & (S.choice != ""), _thanks()),
            spacing="2", width="100%",
        ),
        role="group", aria_labelledby="lesson-feedback-question", width="100%", id="lesson-feedback",
    )


def feedback_widget() -> rx.Component:
    """The component registered with ``lms_lesson_widgets``."""
    return rx.cond(
        L.tracking,
        # Keyed by the open lesson: a new lesson remounts the inner box, and its on_mount loads the answer.
        rx.box(rx.box(_question(), on_mount=S.load, width="100%"), key=L.content["id"], width="100%"),
    )
