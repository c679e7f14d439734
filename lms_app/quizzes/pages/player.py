"""The quiz panel inside the course player (/learn/<course>/<lesson> when the lesson is a quiz).

``QuizState.load`` runs from the panel's on_mount, reads the lesson id from the URL the way
``LearnState.load`` does, and asks ``quiz_attempts.player`` what this viewer may see: enrolled
learners take attempts; the teacher and admins see the questions without answers; others see
the quiz's facts only. The attempt id lives in a backend var, so every answer and the submission
name the caller's own attempt; the service checks that again.

What reaches the browser during an attempt: prompts, options in the attempt's order and the
learner's own saved answers. Keys and explanations arrive only in ``feedback`` after a
submission, and only when the quiz's "show answers" setting allows.

Answer inputs are uncontrolled (their starting value comes from the saved answers); each change
is saved at once by a handler that changes no public var, so answering re-sends nothing.
"""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from reflex_components_radix.themes.components.checkbox import Checkbox  # the bare box: the label is ours

from lms_app.ui.wording import counted

from lms_app.ui.status import compact_markdown, safe_markdown
from lms_app.core.db import run_db
from lms_app.quizzes.models import AttemptQuestionView, AttemptRowView, FeedbackView, QuizInfoView
from lms_app.core.types import utcnow
from lms_app.core.wording import plural
from lms_app.learning.pages.learn_state import LearnState
from lms_app.quizzes.services import attempts as quiz_attempts
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import LEARNER_AREA
from lms_app.core.guard import current_actor, guarded


class ResultView(TypedDict):
    attempt_no: int
    score: str
    percent: int
    passed: bool
    pass_percent: int


def _blank_info() -> QuizInfoView:
    return QuizInfoView(questions=0, per_attempt=0, pass_percent=0, time_limit="", attempts="", show_answers="")


def _blank_result() -> ResultView:
    return ResultView(attempt_no=0, score="", percent=0, passed=False, pass_percent=0)


# Shows the time left in #quiz-countdown from a number of seconds the server computed (so a
# wrong clock in the browser does not matter); at zero it presses Submit once. Display only:
# the server refuses answers after the deadline whatever the page does.
_COUNTDOWN = """(() => {{
  window.__lmsQuizEnd = Date.now() + {seconds} * 1000; window.__lmsQuizSubmitted = false;
  if (window.__lmsQuizTimer) return;
  window.__lmsQuizTimer = setInterval(() => {{
    const el = document.getElementById('quiz-countdown'); if (!el || !window.__lmsQuizEnd) return;
    const left = Math.max(0, Math.round((window.__lmsQuizEnd - Date.now()) / 1000));
    el.textContent = left > 0 ? Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0') : 'Time is up';
    if (left === 0 && !window.__lmsQuizSubmitted) {{
      window.__lmsQuizSubmitted = true; document.getElementById('quiz-submit')?.click();
    }}
  }}, 1000);
}})()"""
_STOP_COUNTDOWN = "window.__lmsQuizEnd = 0;"


def _lesson_from_url(state: rx.State) -> str:
    parts = state.router.url.path.strip("/").split("/")
    return parts[2] if len(parts) == 3 and parts[0] == "learn" else ""


class QuizState(rx.State):
    mode: str = "loading"  # loading | learner | staff | visitor | empty | error
    message: str = ""
    info: QuizInfoView = _blank_info()
    phase: str = "intro"  # intro | answering | result
    questions: list[AttemptQuestionView] = []
    attempt_no: int = 0
    attempt_key: str = ""
    timed: bool = False
    remaining_label: str = ""
    result: ResultView = _blank_result()
    feedback: list[FeedbackView] = []
    history: list[AttemptRowView] = []
    attempts_left: str = ""
    can_start: bool = False
    completed: bool = False
    preview: list[AttemptQuestionView] = []
    busy: bool = False
    _lesson_id: int = 0
    _attempt_id: int = 0
    _chosen: dict[str, list[int]] = {}

    def _apply(self, data: quiz_attempts.PlayerData) -> list:
        """Copy what the viewer may see into the vars; returns events (the countdown)."""
        self.mode, self.info = data.mode, data.info or _blank_info()
        self.history, self.preview, self.completed = data.history, data.preview, data.completed
        self.feedback, self.result, self.questions = [], _blank_result(), []
        self._attempt_id, self._chosen, self.timed = 0, {}, False
        left = data.attempts_left
        self.attempts_left = "Unlimited attempts" if left is None else f"{left} attempt{'s' if left != 1 else ''} left"
        self.can_start = data.mode == "learner" and (left is None or left > 0) and data.current is None
        events: list = [rx.call_script(_STOP_COUNTDOWN)]
        if data.current is not None:
            events = self._answering(data.current)
        elif data.last is not None:
            self.phase = "result"
            self._show_result(data.last, data.show_key)
        else:
            self.phase = "intro"
        return events

    def _answering(self, attempt) -> list:
        self.phase, self._attempt_id, self.attempt_no = "answering", attempt.id, attempt.attempt_no
        self.attempt_key = f"a{attempt.id}"
        self.questions = quiz_attempts.attempt_questions(attempt)
        self._chosen = {k: list(v) for k, v in (attempt.answers or {}).items() if isinstance(v, list)}
        self.can_start = False
        if attempt.deadline_at is None:
            self.timed, self.remaining_label = False, ""
            return [rx.call_script(_STOP_COUNTDOWN)]
        seconds = max(0, int((attempt.deadline_at - utcnow()).total_seconds()))
        self.timed, self.remaining_label = True, f"{seconds // 60}:{seconds % 60:02d}"
        return [rx.call_script(_COUNTDOWN.format(seconds=seconds))]

    def _show_result(self, attempt, show_key: bool) -> None:
        self.result = ResultView(attempt_no=attempt.attempt_no, score=f"{attempt.score} of {plural(attempt.max_score, 'point')}",
                                 percent=attempt.percent or 0, passed=bool(attempt.passed),
                                 pass_percent=attempt.pass_percent)
        self.feedback = quiz_attempts.feedback(attempt, show_key)

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        """The quiz of the lesson in the URL, as this viewer may see it (checked by the service)."""
        self.mode, self.message, self._lesson_id = "loading", "", 0
        lesson_ref = _lesson_from_url(self)
        try:
            data = await run_db(quiz_attempts.player, current_actor(), lesson_ref)
        except ServiceError as exc:
            self.mode, self.message = "error", exc.message
            return
        self._lesson_id = int(lesson_ref)
        return self._apply(data)

    @rx.event
    @guarded(LEARNER_AREA)
    async def start(self):
        if not self._lesson_id or self.mode != "learner":
            yield rx.toast.error("Enroll in the course to take this quiz.")
            return
        self.busy = True
        yield
        try:
            attempt = await run_db(quiz_attempts.start_attempt, current_actor(), self._lesson_id)
        except ServiceError as exc:
            self.busy = False
            yield rx.toast.error(exc.message)
            return
        self.busy, self.feedback = False, []
        yield self._answering(attempt)

    @rx.event
    @guarded(LEARNER_AREA)
    async def answer(self, question_id: str, value: str):
        """Saves one answer of the caller's attempt in progress (the server checks the clock)."""
        if not self._attempt_id or self.phase != "answering":
            return
        try:
            await run_db(quiz_attempts.save_answer, current_actor(), self._attempt_id, question_id, value)
        except ServiceError as exc:
            return rx.toast.error(exc.message)

    @rx.event
    @guarded(LEARNER_AREA)
    async def toggle(self, question_id: str, option_id: str, checked: bool):
        """Ticks or unticks one option of a multiple-choice question and saves the whole choice."""
        if not self._attempt_id or self.phase != "answering" or not isinstance(question_id, str):
            return
        if not isinstance(option_id, str) or not option_id.isdigit() or len(option_id) > 3:
            return rx.toast.error("Choose from the options.")
        picks = set(self._chosen.get(question_id, []))
        (picks.add if checked is True else picks.discard)(int(option_id))
        try:
            await run_db(quiz_attempts.save_answer, current_actor(), self._attempt_id, question_id, sorted(picks))
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        self._chosen = {**self._chosen, question_id: sorted(picks)}

    @rx.event
    @guarded(LEARNER_AREA)
    async def submit(self):
        if not self._attempt_id or self.phase != "answering":
            return
        self.busy = True
        yield
        try:
            outcome = await run_db(quiz_attempts.submit_attempt, current_actor(), self._attempt_id)
            data = await run_db(quiz_attempts.player, current_actor(), self._lesson_id)
        except ServiceError as exc:
            self.busy = False
            yield rx.toast.error(exc.message)
            return
        self.busy = False
        events = self._apply(data)
        attempt = outcome.attempt
        if outcome.progress is not None:
            learn = await self.get_state(LearnState)
            learn.completed = True
            learn._apply(outcome.progress)
        if outcome.late:
            events.append(rx.toast.warning("Time was up: only the answers saved in time were counted."))
        if attempt.passed:
            events.append(rx.toast.success(f"Passed with {attempt.percent}%. Lesson complete."))
        else:
            events.append(rx.toast.info(f"Scored {attempt.percent}%: the pass mark is {attempt.pass_percent}%."))
        yield events

    @rx.event
    @guarded(LEARNER_AREA)
    async def review(self, attempt_id: int):
        """Shows one of the caller's own earlier attempts (answers only as the settings allow)."""
        if self.phase == "answering":
            return rx.toast.info("Submit the attempt in progress first.")
        try:
            attempt, show_key = await run_db(quiz_attempts.review, current_actor(), attempt_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        if attempt.lesson_id != self._lesson_id:
            return rx.toast.error("That attempt belongs to another quiz.")
        self.phase = "result"
        self._show_result(attempt, show_key)


# --- the panel -------------------------------------------------------------------------------

Q = QuizState


def _fact(icon: str, label: str, value) -> rx.Component:
    return rx.hstack(rx.icon(icon, size=16, color=rx.color("accent", 11)), rx.text(label, size="2",
                                                                                  color=rx.color("gray", 11)),
                     rx.text(value, size="2", weight="medium"), align="center", spacing="2")


def _facts() -> rx.Component:
    i = Q.info
    return rx.flex(
        _fact("list-ordered", "Questions:", rx.cond(i["per_attempt"] < i["questions"],
                                                     i["per_attempt"].to_string() + " of " + i["questions"].to_string(),
                                                     i["questions"].to_string())),
        _fact("target", "Pass mark:", i["pass_percent"].to_string() + "%"),
        _fact("timer", "Time:", i["time_limit"]),
        _fact("repeat", "Attempts:", i["attempts"]),
        spacing="4", wrap="wrap", width="100%",
    )


def _choice_options(q) -> rx.Component:
    return rx.radio_group.root(
        rx.vstack(rx.foreach(q["options"], lambda o: rx.radio_group.item(compact_markdown(o["text"]),
                                                                          value=o["id"])),
                  spacing="2", align="start"),
        default_value=q["answer"], on_change=lambda v: QuizState.answer(q["id"], v),
        aria_label="Question " + q["number"].to_string(), size="3",
    )


def _multi_options(q) -> rx.Component:
    return rx.vstack(
        rx.foreach(q["options"], lambda o: rx.text(rx.flex(Checkbox.create(
            default_checked=q["chosen"].contains(o["id"]), size="3",
            on_change=lambda checked: QuizState.toggle(q["id"], o["id"], checked)),
            compact_markdown(o["text"]), spacing="2", align="center"), as_="label", size="3")),
        rx.text("Choose every correct option.", size="1", color=rx.color("gray", 11)),
        spacing="2", align="start",
    )


def _text_answer(q, numeric: bool) -> rx.Component:
    return rx.input(
        default_value=q["answer"], on_blur=lambda v: QuizState.answer(q["id"], v), size="3", width="100%",
        max_width="360px", placeholder="A number, e.g. 3.14" if numeric else "Your answer",
        input_mode="decimal" if numeric else "text", aria_label="Answer to question " + q["number"].to_string(),
        max_length=500,
    )


def _question(q) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.text("Question ", q["number"].to_string(), weight="bold", size="2"), rx.spacer(),
                      rx.badge(counted(q["points"], "point"),
                               variant="soft"),
                      width="100%", align="center"),
            compact_markdown(q["prompt"], width="100%"),
            rx.match(q["kind"],
                     ("single", _choice_options(q)), ("true_false", _choice_options(q)),
                     ("multiple", _multi_options(q)), ("short", _text_answer(q, False)),
                     ("numeric", _text_answer(q, True)), rx.fragment()),
            spacing="3", width="100%", align="start",
        ),
        width="100%", key=Q.attempt_key + "-" + q["id"],
    )


def _answering() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Attempt ", Q.attempt_no.to_string(), size="4", as_="h2"),
            rx.spacer(),
            rx.cond(Q.timed, rx.badge(rx.icon("timer", size=14), rx.el.span(Q.remaining_label, id="quiz-countdown",
                                                                             aria_live="polite"),
                                      size="3", color_scheme="amber", variant="soft", aria_label="Time left")),
            width="100%", align="center",
        ),
        rx.text("Your answers are saved as you go.", size="2", color=rx.color("gray", 11)),
        rx.foreach(Q.questions, _question),
        rx.alert_dialog.root(
            rx.alert_dialog.trigger(rx.button(rx.icon("send", size=16), "Submit answers", size="3",
                                              loading=Q.busy)),
            rx.alert_dialog.content(
                rx.alert_dialog.title("Submit your answers?"),
                rx.alert_dialog.description("You cannot change them after submitting."),
                rx.hstack(rx.alert_dialog.cancel(rx.button("Keep answering", variant="soft", color_scheme="gray")),
                          rx.alert_dialog.action(rx.button("Submit", on_click=QuizState.submit)),
                          spacing="3", justify="end", margin_top="1rem"),
                max_width="420px",
            ),
        ),
        # The countdown presses this when the time is up (no confirmation needed then).
        rx.el.button("Submit now", id="quiz-submit", on_click=QuizState.submit, type="button",
                     style={"display": "none"}, aria_hidden="true", tab_index=-1),
        spacing="4", width="100%", align="start",
    )


def _feedback_row(f) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon(rx.cond(f["correct"], "circle-check", "circle-x"), size=18,
                              color=rx.cond(f["correct"], rx.color("green", 10), rx.color("red", 10))),
                      rx.text("Question ", f["number"].to_string(), weight="bold", size="2"), rx.spacer(),
                      rx.text(f["earned"], size="2", color=rx.color("gray", 11)), width="100%", align="center"),
            compact_markdown(f["prompt"], width="100%"),
            rx.text("Your answer: ", rx.el.strong(f["your_answer"]), size="2"),
            rx.cond(~f["correct"], rx.text("Correct answer: ", rx.el.strong(f["correct_answer"]), size="2",
                                           color=rx.color("green", 11))),
            rx.cond(f["explanation"] != "", rx.callout.root(rx.callout.icon(rx.icon("lightbulb", size=16)),
                                                         compact_markdown(f["explanation"]), size="1", width="100%")),
            spacing="2", width="100%", align="start",
        ),
        width="100%",
    )


def _result() -> rx.Component:
    r = Q.result
    return rx.vstack(
        rx.callout(
            rx.cond(r["passed"], "Passed: ", "Not passed yet: ") + r["score"] + " (" + r["percent"].to_string()
            + "%). The pass mark is " + r["pass_percent"].to_string() + "%.",
            icon=rx.cond(r["passed"], "party-popper", "circle-alert"),
            color_scheme=rx.cond(r["passed"], "green", "amber"), width="100%", id="quiz-result", role="status",
        ),
        rx.cond(Q.feedback.length() > 0, rx.vstack(rx.foreach(Q.feedback, _feedback_row), spacing="3",
                                                   width="100%"),
                rx.text("Correct answers are not shown for this quiz", rx.cond(
                    Q.info["show_answers"] == "After passing", " until you pass.", "."), size="2",
                    color=rx.color("gray", 11))),
        spacing="3", width="100%", align="start",
    )


def _history() -> rx.Component:
    return rx.cond(
        Q.history.length() > 0,
        rx.vstack(
            rx.heading("Your attempts", size="3", as_="h3"),
            rx.box(rx.table.root(
                rx.table.header(rx.table.row(rx.table.column_header_cell("#"), rx.table.column_header_cell("Started"),
                                             rx.table.column_header_cell("Score"),
                                             rx.table.column_header_cell(""))),
                rx.table.body(rx.foreach(Q.history, lambda a: rx.table.row(
                    rx.table.cell(a["number"].to_string()), rx.table.cell(a["when"]),
                    rx.table.cell(rx.hstack(rx.text(a["score"]), rx.cond(
                        a["status"] == "submitted",
                        rx.badge(rx.cond(a["passed"], "Passed", "Not passed"),
                                 color_scheme=rx.cond(a["passed"], "green", "gray"), variant="soft")),
                        spacing="2", align="center", wrap="wrap")),
                    rx.table.cell(rx.cond(a["status"] == "submitted",
                                          rx.button("View", size="1", variant="ghost",
                                                    on_click=QuizState.review(a["id"])))),
                ))),
                variant="surface", size="1", width="100%"), width="100%", overflow_x="auto"),
            spacing="2", width="100%", align="start",
        ),
    )


def _learner() -> rx.Component:
    return rx.vstack(
        _facts(),
        rx.cond(Q.completed, rx.badge(rx.icon("circle-check", size=14), "Lesson complete", color_scheme="green",
                                      size="2")),
        rx.match(Q.phase, ("answering", _answering()), ("result", _result()), rx.fragment()),
        rx.cond(Q.phase != "answering", rx.hstack(
            rx.cond(Q.can_start, rx.button(rx.icon("play", size=16),
                                           rx.cond(Q.history.length() > 0, "Try again", "Start the quiz"),
                                           on_click=QuizState.start, loading=Q.busy, size="3")),
            rx.text(Q.attempts_left, size="2", color=rx.color("gray", 11)),
            align="center", spacing="3", wrap="wrap")),
        _history(),
        spacing="4", width="100%", align="start",
    )


def _staff() -> rx.Component:
    return rx.vstack(
        rx.callout("You are previewing this quiz: learners see these questions (in their own order when "
                   "shuffling is on). Attempts are for enrolled learners.", icon="eye", width="100%"),
        _facts(),
        rx.foreach(Q.preview, lambda q: rx.card(rx.vstack(
            rx.text("Question ", q["number"].to_string(), " · ", counted(q["points"], "point"), weight="bold",
                    size="2"),
            compact_markdown(q["prompt"], width="100%"),
            rx.foreach(q["options"], lambda o: rx.hstack(rx.text("•", size="2"), compact_markdown(o["text"]),
                                                         spacing="2", align="start")),
            spacing="2", align="start"), width="100%")),
        spacing="3", width="100%", align="start",
    )


def _panel_body() -> rx.Component:
    return rx.match(
        Q.mode,
        ("learner", _learner()),
        ("staff", _staff()),
        ("visitor", rx.vstack(_facts(), rx.callout("Enroll in the course to take this quiz.", icon="lock",
                                                   width="100%"), spacing="3", width="100%")),
        ("empty", rx.callout("This quiz has no questions yet.", icon="list-x", width="100%")),
        ("error", rx.callout(Q.message, icon="circle-alert", color_scheme="red", width="100%")),
        rx.center(rx.spinner(size="3"), padding="2rem", width="100%"),
    )


def quiz_panel() -> rx.Component:
    """The quiz inside the lesson page; loads itself once mounted (per lesson, thanks to the key)."""
    return rx.box(
        rx.cond(LearnState.content["body"] != "", safe_markdown(LearnState.content["body"])),
        rx.cond(
            LearnState.signed_in,
            rx.box(_panel_body(), on_mount=QuizState.load, width="100%"),
            rx.callout("Sign in and enroll in the course to take this quiz.", icon="lock", width="100%"),
        ),
        key=LearnState.content["id"].to_string(), width="100%", id="quiz-panel",
    )
