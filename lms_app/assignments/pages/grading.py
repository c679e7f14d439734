"""/teach/grading: submissions waiting for a teacher grade (own courses; admins: all), oldest
first, 20 per page; grading with the rubric and written feedback in a dialog.

Loading the queue first moves peer-graded submissions past their cut-off into it
(assignment_grading.apply_cutoff: no background job needed).
"""

from __future__ import annotations

import reflex as rx

from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell
from lms_app.assignments.pages.rubric import feedback_input, scores_from_form, scoring_inputs
from lms_app.ui.status import safe_markdown
from lms_app.core.db import run_db
from lms_app.assignments.views import CriterionView, GradingView, QueueRow
from lms_app.assignments.services import grading as assignment_grading
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import TEACHER_AREA
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded


def _blank() -> GradingView:
    return GradingView(id=0, learner="", course_title="", lesson_title="", submitted_label="", text="", files=[],
                       peer_notes=[], pass_percent=0)


class GradingState(rx.State):
    rows: list[QueueRow] = []
    total: int = 0
    page: int = 1
    loaded: bool = False
    dialog_open: bool = False
    current: GradingView = _blank()
    criteria: list[CriterionView] = []
    saving: bool = False
    error: str = ""

    async def _load_page(self, number: int) -> None:
        self.rows, self.total = await run_db(assignment_grading.queue, current_actor(), number)
        self.page = number

    @rx.event
    @guarded(TEACHER_AREA)
    async def load(self):
        raw = self.router.url.query_parameters.get("page", "1")
        number = int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 7 else 1
        self.dialog_open, self.loaded = False, False
        await self._load_page(max(1, number))
        self.loaded = True

    @rx.event
    @guarded(TEACHER_AREA)
    async def go(self, step: int):
        if step not in (-1, 1):
            return
        target = self.page + step
        if target < 1 or (target - 1) * assignment_grading.PAGE_SIZE >= max(self.total, 1):
            return
        await self._load_page(target)

    @rx.event
    @guarded(TEACHER_AREA)
    async def open_submission(self, submission_id: int):
        try:
            data = await run_db(assignment_grading.grading_view, current_actor(), submission_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        self.current, self.criteria, self.error, self.dialog_open = data["view"], data["criteria"], "", True

    @rx.event
    @guarded(TEACHER_AREA)
    async def close(self):
        self.dialog_open, self.current, self.criteria = False, _blank(), []

    @rx.event
    @guarded(TEACHER_AREA)
    async def grade(self, form: dict):
        if not self.current["id"] or not isinstance(form, dict):
            return
        self.saving, self.error = True, ""
        yield
        try:
            await run_db(assignment_grading.grade, current_actor(), self.current["id"], scores_from_form(form),
                         form.get("feedback"))
        except ServiceError as exc:
            self.saving, self.error = False, exc.message
            yield rx.toast.error(exc.message)
            return
        self.saving, self.dialog_open = False, False
        await self._load_page(self.page if (self.page - 1) * assignment_grading.PAGE_SIZE < self.total - 1 else
                              max(1, self.page - 1))
        yield rx.toast.success("Grade saved. The learner can see it now.")


S = GradingState


def _row(r) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(rx.text(r["learner"], weight="medium"),
                          rx.cond(r["late"], rx.badge("Late", color_scheme="amber")),
                          rx.badge(r["reason"], variant="soft",
                                   color_scheme=rx.cond(r["reason"] == "Teacher grading", "blue", "violet")),
                          align="center", spacing="2", wrap="wrap"),
                rx.text(r["course_title"], " · ", r["lesson_title"], size="2", color=rx.color("gray", 11)),
                rx.text("Submitted ", r["submitted_label"], size="1", color=rx.color("gray", 10)),
                spacing="1", align="start", min_width="0",
            ),
            rx.button(rx.icon("clipboard-pen", size=16), "Grade", on_click=S.open_submission(r["id"]),
                      aria_label="Grade " + r["learner"]),
            justify="between", align="center", gap="3", wrap="wrap", width="100%",
        ),
        width="100%",
    )


def _dialog() -> rx.Component:
    c = S.current
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Grade ", c["learner"]),
            rx.dialog.description(c["course_title"], " · ", c["lesson_title"], " · submitted ", c["submitted_label"],
                                  size="2", color=rx.color("gray", 11)),
            rx.vstack(
                rx.cond(c["text"] != "", rx.box(safe_markdown(c["text"]), width="100%", padding="0.75rem",
                                                background=rx.color("gray", 2), border_radius="8px",
                                                max_height="40vh", overflow_y="auto"),
                        rx.text("No written answer.", size="2", color=rx.color("gray", 11))),
                rx.foreach(c["files"], lambda f: rx.hstack(
                    rx.icon("paperclip", size=14), rx.link(f["name"], href=f["url"], is_external=True, size="2"),
                    rx.text(f["size_label"], size="1", color=rx.color("gray", 10)), align="center", spacing="2")),
                rx.cond(c["peer_notes"].length() > 0, rx.vstack(
                    rx.text("Peer reviews received before the cut-off", size="2", weight="medium"),
                    rx.foreach(c["peer_notes"], lambda n: rx.text(n["label"], ": ", n["text"], size="2",
                                                                  color=rx.color("gray", 11))),
                    spacing="1", align="start")),
                rx.form(
                    rx.vstack(
                        scoring_inputs(S.criteria),
                        feedback_input("Feedback for the learner"),
                        rx.text("Pass mark: ", c["pass_percent"], " %. The grade is final once saved.", size="1",
                                color=rx.color("gray", 11)),
                        rx.cond(S.error != "", rx.callout(S.error, icon="circle-alert", color_scheme="red",
                                                          role="alert", width="100%")),
                        rx.hstack(rx.button("Cancel", variant="soft", color_scheme="gray", type="button",
                                            on_click=S.close),
                                  rx.button(rx.icon("check", size=16), "Save grade", type="submit", loading=S.saving),
                                  justify="end", spacing="3", width="100%"),
                        spacing="3", width="100%",
                    ),
                    on_submit=S.grade, reset_on_submit=False, width="100%",
                ),
                spacing="3", width="100%", margin_top="1rem",
            ),
            max_width="720px",
        ),
        open=S.dialog_open, on_open_change=lambda _: S.close(),
    )


def page() -> rx.Component:
    return page_shell(
        page_heading("Grading", "Submissions waiting for your grade, oldest first."),
        rx.cond(
            S.loaded,
            rx.cond(
                S.total > 0,
                rx.vstack(
                    rx.text(S.total, " waiting", size="2", color=rx.color("gray", 11)),
                    rx.foreach(S.rows, _row),
                    rx.cond(S.total > assignment_grading.PAGE_SIZE, rx.hstack(
                        rx.button(rx.icon("chevron-left", size=16), "Previous", variant="soft",
                                  disabled=S.page <= 1, on_click=S.go(-1)),
                        rx.text("Page ", S.page, size="2"),
                        rx.button("Next", rx.icon("chevron-right", size=16), variant="soft",
                                  disabled=S.page * assignment_grading.PAGE_SIZE >= S.total, on_click=S.go(1)),
                        align="center", spacing="3",
                    )),
                    spacing="3", width="100%",
                ),
                empty_state("clipboard-check", "Nothing to grade",
                            "Submissions to assignments graded by you, and peer-reviewed work that missed its "
                            "reviews, appear here."),
            ),
            loading_block(),
        ),
        _dialog(),
        width="960px",
    )


ROUTE = "/teach/grading"
TITLE = "Grading"
ON_LOAD = [AuthState.refresh, GradingState.load]
