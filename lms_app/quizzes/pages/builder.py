"""The quiz builder (/teach/lessons/<lesson_id>/quiz): questions and settings of one quiz lesson.

The course's teacher or an admin only (services/quiz_authoring.py checks ownership on every
call). The question list shows each question with what counts as right; a dialog adds or edits
one question with the answer fields of its type; rows move up/down, duplicate, and delete after
a confirmation. The settings form sits beside the list (below it on a phone).

Forms are uncontrolled: their starting values come from ``edit``/``settings`` and the dialog
is re-keyed on each opening, so typing sends nothing until Save.
"""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from lms_app.ui.wording import counted
from lms_app.ui.status import compact_markdown

from lms_app.ui.layout import empty_state, loading_block, page_shell
from lms_app.ui.links import link_button
from lms_app.core.db import run_db
from lms_app.quizzes.models import QuizQuestion
from lms_app.quizzes.models import QUESTION_KINDS
from lms_app.quizzes.services import authoring as qa
from lms_app.authoring.services.checks import FormErrors
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import TEACHER_AREA
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded

OPTION_SLOTS = list(range(qa.OPTIONS_MAX))
ERROR_FIELDS = ("kind", "prompt", "points", "explanation", "options", "correct", "accepted", "value", "tolerance",
                *[f"option_{i}" for i in OPTION_SLOTS])
SETTING_FIELDS = ("pass_percent", "time_limit_minutes", "max_attempts", "pool_size", "show_answers")


class QuestionRow(TypedDict):
    id: int
    number: int
    kind_label: str
    prompt: str
    points: int
    summary: str
    explanation: str
    first: bool
    last: bool


class QuestionForm(TypedDict):
    id: int
    kind: str
    prompt: str
    points: str
    explanation: str
    options: list[str]
    correct: list[bool]
    accepted: str
    value: str
    tolerance: str


class SettingsForm(TypedDict):
    pass_percent: str
    time_limit_minutes: str
    max_attempts: str
    pool_size: str
    shuffle_questions: bool
    shuffle_options: bool
    show_answers: str


def _blank_form(kind: str = "single") -> QuestionForm:
    return QuestionForm(id=0, kind=kind, prompt="", points="1", explanation="", options=[""] * qa.OPTIONS_MAX,
                        correct=[False] * qa.OPTIONS_MAX, accepted="", value="", tolerance="0")


def _form_of(q: QuizQuestion) -> QuestionForm:
    key = q.answer_key or {}
    options = (list(q.options) + [""] * qa.OPTIONS_MAX)[:qa.OPTIONS_MAX]
    right = set(key.get("choices") or []) | ({key["choice"]} if isinstance(key.get("choice"), int) else set())
    num = lambda v: "" if v is None else (str(int(v)) if float(v) == int(v) else f"{v:g}")  # noqa: E731
    return QuestionForm(id=q.id, kind=q.kind, prompt=q.prompt, points=str(q.points), explanation=q.explanation,
                        options=options, correct=[i in right for i in range(qa.OPTIONS_MAX)],
                        accepted="\n".join(key.get("accepted") or []),
                        value=num(key.get("value")) if q.kind == "numeric" else "",
                        tolerance=num(key.get("tolerance") or 0) if q.kind == "numeric" else "0")


def _rows(questions: list[QuizQuestion]) -> list[QuestionRow]:
    last = len(questions) - 1
    return [QuestionRow(id=q.id, number=i + 1, kind_label=qa.KIND_LABELS[q.kind], prompt=q.prompt, points=q.points,
                        summary=qa.answer_summary(q), explanation=q.explanation, first=i == 0, last=i == last)
            for i, q in enumerate(questions)]


def _settings_of(quiz) -> SettingsForm:
    opt = lambda v: "" if v is None else str(v)  # noqa: E731
    return SettingsForm(pass_percent=str(quiz.pass_percent), time_limit_minutes=opt(quiz.time_limit_minutes),
                        max_attempts=opt(quiz.max_attempts), pool_size=opt(quiz.pool_size),
                        shuffle_questions=quiz.shuffle_questions, shuffle_options=quiz.shuffle_options,
                        show_answers=quiz.show_answers)


def _one_question(session, actor, lesson_id, question_id) -> QuizQuestion:
    """A question of this lesson's quiz, for the edit dialog (ownership checked by builder())."""
    data = qa.builder(session, actor, lesson_id)
    for q in data.questions:
        if q.id == question_id:
            return q
    raise ServiceError("That question is not in this quiz.")


class QuizBuilderState(rx.State):
    view: str = "loading"  # loading | ok | error
    message: str = ""
    lesson_title: str = ""
    course_title: str = ""
    editor_href: str = "/teach"
    preview_href: str = ""
    editable: bool = True
    rows: list[QuestionRow] = []
    total_points: int = 0
    settings: SettingsForm = SettingsForm(pass_percent="70", time_limit_minutes="", max_attempts="", pool_size="",
                                          shuffle_questions=False, shuffle_options=False, show_answers="after_attempt")
    settings_errors: dict[str, str] = {f: "" for f in SETTING_FIELDS}
    dialog_open: bool = False
    edit: QuestionForm = _blank_form()
    edit_kind: str = "single"
    form_key: int = 0
    errors: dict[str, str] = {f: "" for f in ERROR_FIELDS}
    form_error: str = ""
    saving: bool = False
    saving_settings: bool = False
    _lesson_id: int = 0

    def _lesson_ref(self) -> str:
        parts = self.router.url.path.strip("/").split("/")
        return parts[2] if len(parts) == 4 and parts[:2] == ["teach", "lessons"] and parts[3] == "quiz" else ""

    async def _refresh(self, settings_too: bool = False) -> None:
        data = await run_db(qa.builder, current_actor(), self._lesson_id)
        self.rows = _rows(data.questions)
        self.total_points = sum(q.points for q in data.questions)
        self.editable = data.editable
        if settings_too:
            self.settings = _settings_of(data.quiz)

    @rx.event
    @guarded(TEACHER_AREA)
    async def load(self):
        self.view, self.message, self.dialog_open = "loading", "", False
        ref = self._lesson_ref()
        try:
            data = await run_db(qa.builder, current_actor(), ref)
        except ServiceError as exc:
            self.view, self.message = "error", exc.message
            return
        self._lesson_id = data.lesson_id
        self.lesson_title, self.course_title, self.editable = data.lesson_title, data.course_title, data.editable
        self.editor_href = f"/teach/courses/{data.course_id}"
        self.rows, self.total_points = _rows(data.questions), sum(q.points for q in data.questions)
        self.settings = _settings_of(data.quiz)
        self.settings_errors = {f: "" for f in SETTING_FIELDS}
        self.view = "ok"

    def _open(self, form: QuestionForm) -> None:
        self.edit, self.edit_kind = form, form["kind"]
        self.errors, self.form_error = {f: "" for f in ERROR_FIELDS}, ""
        self.form_key += 1
        self.dialog_open = True

    @rx.event
    @guarded(TEACHER_AREA)
    async def new_question(self):
        if self.view == "ok" and self.editable:
            self._open(_blank_form())

    @rx.event
    @guarded(TEACHER_AREA)
    async def edit_question(self, question_id: int):
        if self.view != "ok":
            return
        try:
            question = await run_db(_one_question, current_actor(), self._lesson_id, question_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        self._open(_form_of(question))

    @rx.event
    @guarded(TEACHER_AREA)
    async def choose_kind(self, kind: str):
        """Shows the answer fields of another question type (the form keeps what was typed)."""
        if kind in QUESTION_KINDS:
            self.edit_kind = kind

    @rx.event
    @guarded(TEACHER_AREA)
    async def dialog_changed(self, open_: bool):
        self.dialog_open = open_ is True and self.dialog_open

    @rx.event
    @guarded(TEACHER_AREA)
    async def save_question(self, form: dict):
        if self.view != "ok":
            return
        form = dict(form) if isinstance(form, dict) else {}
        form["kind"] = self.edit_kind
        self.saving = True
        yield
        try:
            await run_db(qa.save_question, current_actor(), self._lesson_id, self.edit["id"] or None, form)
        except FormErrors as exc:
            self.saving = False
            self.errors = {f: exc.errors.get(f, "") for f in ERROR_FIELDS}
            self.form_error = "" if set(exc.errors) <= set(ERROR_FIELDS) else exc.message
            return
        except ServiceError as exc:
            self.saving, self.form_error = False, exc.message
            return
        added = not self.edit["id"]
        self.saving, self.dialog_open = False, False
        await self._refresh()
        yield rx.toast.success("Question added." if added else "Question saved.")

    async def _row_action(self, fn, *args, message: str):
        if self.view != "ok":
            return
        try:
            await run_db(fn, current_actor(), *args)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._refresh()
        return rx.toast.success(message) if message else None

    @rx.event
    @guarded(TEACHER_AREA)
    async def delete_question(self, question_id: int):
        return await self._row_action(qa.delete_question, question_id, message="Question deleted.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def duplicate_question(self, question_id: int):
        return await self._row_action(qa.duplicate_question, question_id, message="Question duplicated.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def move_question(self, question_id: int, delta: int):
        return await self._row_action(qa.move_question, question_id, delta, message="")

    @rx.event
    @guarded(TEACHER_AREA)
    async def save_settings(self, form: dict):
        if self.view != "ok":
            return
        self.saving_settings = True
        yield
        try:
            await run_db(qa.save_settings, current_actor(), self._lesson_id, form if isinstance(form, dict) else {})
        except FormErrors as exc:
            self.saving_settings = False
            self.settings_errors = {f: exc.errors.get(f, "") for f in SETTING_FIELDS}
            return
        except ServiceError as exc:
            self.saving_settings = False
            yield rx.toast.error(exc.message)
            return
        self.saving_settings, self.settings_errors = False, {f: "" for f in SETTING_FIELDS}
        await self._refresh(settings_too=True)
        yield rx.toast.success("Quiz settings saved.")


# --- layout ----------------------------------------------------------------------------------

B = QuizBuilderState
LABEL = {"fontSize": "var(--font-size-2)", "fontWeight": "500"}


def _error(name: str, errors=None) -> rx.Component:
    message = (errors if errors is not None else B.errors)[name]
    return rx.cond(message != "", rx.text(message, size="1", color=rx.color("red", 11), role="alert"))


def _labelled(label: str, control: rx.Component, name: str, hint: str = "", errors=None) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"quiz-{name}", style=LABEL),
        control,
        rx.text(hint, size="1", color=rx.color("gray", 11)) if hint else rx.fragment(),
        _error(name, errors),
        spacing="1", width="100%", align="start",
    )


def _choice_fields(multiple: bool) -> rx.Component:
    def slot(i: int) -> rx.Component:
        mark = rx.el.input(
            type="checkbox" if multiple else "radio", name=f"correct_{i}" if multiple else "correct",
            value="on" if multiple else str(i), default_checked=B.edit["correct"][i],
            aria_label=f"Option {i + 1} is correct", style={"width": "1.1rem", "height": "1.1rem",
                                                             "accentColor": "var(--accent-9)"},
        )
        return rx.hstack(mark, rx.input(name=f"option_{i}", default_value=B.edit["options"][i],
                                        placeholder=f"Option {i + 1}" + (" (optional)" if i >= 2 else ""),
                                        aria_label=f"Option {i + 1}", width="100%", max_length=qa.OPTION_MAX),
                         align="center", spacing="2", width="100%")

    return rx.vstack(
        rx.text("Options", style=LABEL),
        rx.text("Tick every correct option; learners must pick exactly those." if multiple
                else "Select the one correct option. Empty rows are left out.", size="1",
                color=rx.color("gray", 11)),
        *[slot(i) for i in OPTION_SLOTS],
        _error("options"), _error("correct"),
        spacing="2", width="100%", align="start",
    )


def _true_false_fields() -> rx.Component:
    def choice(label: str, value: str) -> rx.Component:
        return rx.el.label(
            rx.hstack(rx.el.input(type="radio", name="correct", value=value,
                                  default_checked=B.edit["correct"][int(value)],
                                  style={"width": "1.1rem", "height": "1.1rem", "accentColor": "var(--accent-9)"}),
                      rx.text(label), align="center", spacing="2"),
        )

    return rx.vstack(rx.text("The statement is", style=LABEL),
                     rx.hstack(choice("True", "0"), choice("False", "1"), spacing="5"),
                     _error("correct"), spacing="2", align="start")


def _short_fields() -> rx.Component:
    return _labelled("Accepted answers (one per line)",
                     rx.text_area(id="quiz-accepted", name="accepted", default_value=B.edit["accepted"], rows="3",
                                  width="100%"),
                     "accepted", "Compared without regard to capital letters or extra spaces.")


def _numeric_fields() -> rx.Component:
    return rx.grid(
        _labelled("Correct answer", rx.input(id="quiz-value", name="value", default_value=B.edit["value"],
                                             input_mode="decimal", width="100%"), "value"),
        _labelled("Tolerance (±)", rx.input(id="quiz-tolerance", name="tolerance",
                                            default_value=B.edit["tolerance"], input_mode="decimal", width="100%"),
                  "tolerance", "0 means the exact number."),
        columns="2", spacing="3", width="100%",
    )


def _question_dialog() -> rx.Component:
    kinds = [rx.el.option(qa.KIND_LABELS[k], value=k) for k in QUESTION_KINDS]
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(B.edit["id"] != 0, "Edit question", "New question")),
            rx.dialog.description("Learners see the question and its options; the answer stays on the server.",
                                  size="2", color=rx.color("gray", 11), margin_bottom="0.75rem"),
            rx.form(
                rx.vstack(
                    rx.cond(B.form_error != "", rx.callout(B.form_error, icon="circle-alert", color_scheme="red",
                                                           width="100%", role="alert")),
                    _labelled("Question type", rx.el.select(*kinds, id="quiz-kind", name="kind", value=B.edit_kind,
                                                            on_change=QuizBuilderState.choose_kind,
                                                            class_name="lms-native-select"), "kind"),
                    _labelled("Question", rx.text_area(id="quiz-prompt", name="prompt", default_value=B.edit["prompt"],
                                                       rows="3", width="100%", max_length=qa.PROMPT_MAX,
                                                       required=True), "prompt"),
                    rx.match(B.edit_kind, ("single", _choice_fields(False)), ("multiple", _choice_fields(True)),
                             ("true_false", _true_false_fields()), ("short", _short_fields()),
                             ("numeric", _numeric_fields()), rx.fragment()),
                    rx.grid(
                        _labelled("Points", rx.input(id="quiz-points", name="points", type="number", min=1,
                                                     max=qa.POINTS_MAX, default_value=B.edit["points"],
                                                     width="100%"), "points"),
                        columns=rx.breakpoints(initial="1", sm="3"), width="100%",
                    ),
                    _labelled("Explanation (optional)",
                              rx.text_area(id="quiz-explanation", name="explanation",
                                           default_value=B.edit["explanation"], rows="2", width="100%",
                                           max_length=qa.EXPLANATION_MAX),
                              "explanation", "Shown with the correct answer, when the settings allow."),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", type="button", variant="soft", color_scheme="gray")),
                        rx.button(rx.icon("save", size=16), "Save question", type="submit", loading=B.saving),
                        justify="end", spacing="3", width="100%",
                    ),
                    spacing="4", width="100%",
                ),
                on_submit=QuizBuilderState.save_question, reset_on_submit=False, key=B.form_key.to_string(),
            ),
            max_width="640px",
        ),
        open=B.dialog_open, on_open_change=QuizBuilderState.dialog_changed,
    )


def _icon_button(icon: str, label: str, on_click, disabled=False, **props) -> rx.Component:
    return rx.tooltip(rx.icon_button(rx.icon(icon, size=16), variant="ghost", size="2", aria_label=label,
                                     on_click=on_click, disabled=disabled, **props), content=label)


def _row(q) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(rx.text(q["number"].to_string() + ".", weight="bold"),
                          rx.badge(q["kind_label"], variant="soft"),
                          rx.badge(counted(q["points"], "point"), variant="outline", color_scheme="gray"),
                          spacing="2", align="center", wrap="wrap"),
                compact_markdown(q["prompt"], width="100%"),
                rx.text(q["summary"], size="2", color=rx.color("green", 11)),
                spacing="1", align="start", flex="1", min_width="0",
            ),
            rx.cond(B.editable, rx.hstack(
                _icon_button("arrow-up", "Move up", QuizBuilderState.move_question(q["id"], -1), q["first"]),
                _icon_button("arrow-down", "Move down", QuizBuilderState.move_question(q["id"], 1), q["last"]),
                _icon_button("copy", "Duplicate", QuizBuilderState.duplicate_question(q["id"])),
                _icon_button("pencil", "Edit", QuizBuilderState.edit_question(q["id"])),
                rx.alert_dialog.root(
                    rx.alert_dialog.trigger(rx.icon_button(rx.icon("trash-2", size=16), variant="ghost", size="2",
                                                           color_scheme="red", aria_label="Delete")),
                    rx.alert_dialog.content(
                        rx.alert_dialog.title("Delete question ", q["number"].to_string(), "?"),
                        rx.alert_dialog.description("Attempts already taken keep their score."),
                        rx.hstack(rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                                  rx.alert_dialog.action(rx.button("Delete", color_scheme="red",
                                                                   on_click=QuizBuilderState.delete_question(q["id"]))),
                                  spacing="3", justify="end", margin_top="1rem"),
                        max_width="420px",
                    ),
                ),
                spacing="1", align="center", flex_shrink="0",
            )),
            direction=rx.breakpoints(initial="column", sm="row"), gap="3", width="100%",
        ),
        width="100%",
    )


def _settings() -> rx.Component:
    s, e = B.settings, B.settings_errors

    def number(label: str, name: str, hint: str, **props) -> rx.Component:
        return _labelled(label, rx.input(id=f"quiz-{name}", name=name, default_value=s[name], type="number",
                                         width="100%", **props), name, hint, errors=e)

    def check(label: str, name: str) -> rx.Component:
        return rx.el.label(rx.hstack(
            rx.el.input(type="checkbox", name=name, default_checked=s[name],
                        style={"width": "1.1rem", "height": "1.1rem", "accentColor": "var(--accent-9)"}),
            rx.text(label, size="2"), align="center", spacing="2"))

    return rx.card(rx.form(
        rx.vstack(
            rx.heading("Settings", size="4", as_="h2"),
            number("Pass mark (%)", "pass_percent", "Passing completes the lesson.", min=0, max=100),
            number("Time limit (minutes)", "time_limit_minutes", "Empty: no time limit.", min=1),
            number("Attempts allowed", "max_attempts", "Empty: unlimited.", min=1),
            number("Questions per attempt", "pool_size", "Draws this many at random; empty: all.", min=1),
            check("Shuffle the questions", "shuffle_questions"),
            check("Shuffle the options", "shuffle_options"),
            _labelled("Show correct answers", rx.el.select(
                *[rx.el.option(label, value=key) for key, label in qa.SHOW_LABELS.items()],
                id="quiz-show_answers", name="show_answers", default_value=s["show_answers"],
                class_name="lms-native-select"), "show_answers", errors=e),
            rx.button(rx.icon("save", size=16), "Save settings", type="submit", loading=B.saving_settings,
                      disabled=~B.editable),
            spacing="3", width="100%", align="start",
        ),
        on_submit=QuizBuilderState.save_settings, reset_on_submit=False,
        key=B.settings.to_string(),
    ), width="100%")


def _builder() -> rx.Component:
    return rx.vstack(
        rx.link(rx.hstack(rx.icon("arrow-left", size=16), rx.text("Back to the course editor"), align="center",
                          spacing="1"), href=B.editor_href, size="2"),
        rx.vstack(
            rx.text(B.course_title, size="2", color=rx.color("gray", 11)),
            rx.heading("Quiz: ", B.lesson_title, size="7", as_="h1"),
            spacing="1",
        ),
        rx.cond(~B.editable, rx.callout("This course is waiting for review: the quiz is read-only until then.",
                                        icon="lock", width="100%")),
        rx.grid(
            rx.vstack(
                rx.hstack(
                    rx.heading("Questions", size="4", as_="h2"),
                    rx.text(counted(B.rows.length(), "question") + " · " + counted(B.total_points, "point"), size="2",
                            color=rx.color("gray", 11)),
                    rx.spacer(),
                    rx.cond(B.editable, rx.button(rx.icon("plus", size=16), "Add question",
                                                  on_click=QuizBuilderState.new_question)),
                    align="center", width="100%", wrap="wrap", spacing="3",
                ),
                rx.cond(B.rows.length() > 0, rx.vstack(rx.foreach(B.rows, _row), spacing="3", width="100%"),
                        empty_state("list-checks", "No questions yet",
                                    "Add the first question: single or multiple choice, true/false, a short "
                                    "answer or a number.")),
                spacing="3", width="100%", align="start", min_width="0",
            ),
            _settings(),
            columns=rx.breakpoints(initial="1", md="2fr 1fr"), spacing="5", width="100%", align_items="start",
        ),
        _question_dialog(),
        spacing="4", width="100%", align="start",
    )


def page() -> rx.Component:
    return page_shell(rx.match(
        B.view,
        ("ok", _builder()),
        ("error", empty_state("circle-alert", "This quiz cannot be opened", B.message,
                              link_button("Back to teaching", href="/teach", variant="soft"))),
        loading_block(),
    ))


ROUTE = "/teach/lessons/[lesson_id]/quiz"
TITLE = "Quiz builder"
ON_LOAD = [AuthState.refresh, QuizBuilderState.load]
