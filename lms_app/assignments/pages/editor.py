"""/teach/lessons/<lesson_id>/assignment: due date, grading mode, peer settings, pass mark and the
rubric (criteria with levels: add, edit, delete with confirmation, reorder), for the course's
teacher or an admin. The instructions are the lesson's text, edited in the course editor.
"""

from __future__ import annotations

import reflex as rx

from lms_app.ui.layout import loading_block, page_heading, page_shell
from lms_app.ui.links import link_button
from lms_app.ui.status import safe_markdown
from lms_app.core.db import run_db
from lms_app.assignments.views import AssignmentSettingsView, CriterionView
from lms_app.assignments.pages.player import _blank_settings
from lms_app.assignments.services import setup as assignment_setup
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import TEACHER_AREA
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded

LEVEL_ROWS = 6


class AssignmentEditorState(rx.State):
    loaded: bool = False
    not_found: bool = False
    locked: bool = False
    lesson_title: str = ""
    course_title: str = ""
    course_href: str = ""
    instructions: str = ""
    settings: AssignmentSettingsView = _blank_settings()
    criteria: list[CriterionView] = []
    saving: bool = False
    error: str = ""
    error_field: str = ""
    version: int = 0
    # The criterion dialog (0 = a new criterion).
    dialog_open: bool = False
    editing: int = 0
    draft_title: str = ""
    draft_description: str = ""
    draft_levels: list[dict[str, str]] = []
    dialog_error: str = ""
    _lesson: int = 0

    async def _reload(self) -> None:
        data = await run_db(assignment_setup.editor_view, current_actor(), self._lesson)
        self.lesson_title, self.course_title = data["lesson_title"], data["course_title"]
        self.course_href = f"/teach/courses/{data['course_id']}?tab=curriculum"
        self.instructions, self.locked = data["instructions"], data["locked"]
        self.settings, self.criteria = data["settings"], data["criteria"]
        self.version += 1

    @rx.event
    @guarded(TEACHER_AREA)
    async def load(self):
        self.loaded, self.not_found, self.dialog_open, self.error = False, False, False, ""
        parts = self.router.url.path.strip("/").split("/")
        raw = parts[2] if len(parts) == 4 and parts[:2] == ["teach", "lessons"] and parts[3] == "assignment" else ""
        self._lesson = int(raw) if raw.isdigit() and len(raw) < 18 else 0
        try:
            await self._reload()
        except ServiceError:  # missing, not an assignment, or someone else's: the same answer
            self.not_found = True
        self.loaded = True

    @rx.event
    @guarded(TEACHER_AREA)
    async def save_settings(self, form: dict):
        self.error, self.error_field = "", ""
        self.saving = True
        yield
        try:
            await run_db(assignment_setup.save_settings, current_actor(), self._lesson, form)
            await self._reload()
        except ServiceError as exc:
            self.saving, self.error, self.error_field = False, exc.message, exc.field or ""
            yield rx.toast.error(exc.message)
            return
        self.saving = False
        yield rx.toast.success("Assignment settings saved.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def new_criterion(self):
        self.editing, self.draft_title, self.draft_description, self.dialog_error = 0, "", "", ""
        self.draft_levels = [{"label": label, "points": points} for label, points in
                             (("Excellent", "4"), ("Good", "3"), ("Fair", "2"), ("Missing", "0"))]
        self.draft_levels += [{"label": "", "points": ""}] * (LEVEL_ROWS - len(self.draft_levels))
        self.version += 1
        self.dialog_open = True

    @rx.event
    @guarded(TEACHER_AREA)
    async def edit_criterion(self, criterion_id: int):
        found = next((c for c in self.criteria if c["id"] == criterion_id), None)
        if found is None:
            return
        self.editing, self.draft_title, self.draft_description = found["id"], found["title"], found["description"]
        self.draft_levels = [{"label": lv["label"], "points": str(lv["points"])} for lv in found["levels"]]
        self.draft_levels += [{"label": "", "points": ""}] * (LEVEL_ROWS - len(self.draft_levels))
        self.dialog_error = ""
        self.version += 1
        self.dialog_open = True

    @rx.event
    @guarded(TEACHER_AREA)
    async def close_dialog(self):
        self.dialog_open = False

    @rx.event
    @guarded(TEACHER_AREA)
    async def save_criterion(self, form: dict):
        if not isinstance(form, dict):
            return
        levels = [{"label": form.get(f"level_label_{i}", ""), "points": form.get(f"level_points_{i}", "")}
                  for i in range(LEVEL_ROWS)]
        try:
            await run_db(assignment_setup.save_criterion, current_actor(), self._lesson, self.editing,
                         form.get("title"), form.get("description"), levels)
            await self._reload()
        except ServiceError as exc:
            self.dialog_error = exc.message
            return
        self.dialog_open = False
        return rx.toast.success("Criterion saved.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def delete_criterion(self, criterion_id: int):
        try:
            await run_db(assignment_setup.delete_criterion, current_actor(), criterion_id)
            await self._reload()
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        return rx.toast.success("Criterion deleted.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def move_criterion(self, criterion_id: int, step: int):
        try:
            await run_db(assignment_setup.move_criterion, current_actor(), criterion_id, step)
            await self._reload()
        except ServiceError as exc:
            return rx.toast.error(exc.message)


S = AssignmentEditorState


def _label(text: str, for_id: str) -> rx.Component:
    return rx.el.label(text, html_for=for_id, style={"fontSize": "var(--font-size-2)", "fontWeight": "500"})


def _err(name: str) -> rx.Component:
    return rx.cond(S.error_field == name, rx.text(S.error, size="1", color=rx.color("red", 11), role="alert"))


def _settings_form() -> rx.Component:
    st = S.settings
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Settings", size="4", as_="h2"),
                rx.grid(
                    rx.vstack(_label("Due date (optional)", "due_local"),
                              rx.input(id="due_local", name="due_local", type="datetime-local",
                                       default_value=st["due_local"], width="100%"),
                              rx.text("Your time zone: ", st["timezone"], size="1", color=rx.color("gray", 11)),
                              _err("due_local"), spacing="1", width="100%"),
                    rx.vstack(_label("Who grades", "grading_mode"),
                              rx.el.select(rx.el.option("The teacher", value="teacher"),
                                           rx.el.option("Peers (learners review each other)", value="peer"),
                                           id="grading_mode", name="grading_mode", default_value=st["grading_mode"],
                                           class_name="lms-native-select",
                                           style={"width": "100%", "height": "var(--space-6)", "padding": "0 0.5rem",
                                                  "fontSize": "var(--font-size-2)", "borderRadius": "var(--radius-2)",
                                                  "border": f"1px solid {rx.color('gray', 7)}",
                                                  "background": rx.color("gray", 1), "color": rx.color("gray", 12)}),
                              _err("grading_mode"), spacing="1", width="100%"),
                    rx.vstack(_label("Peer reviews per submission", "reviews_required"),
                              rx.input(id="reviews_required", name="reviews_required", type="number", min=1, max=5,
                                       default_value=st["reviews_required"].to(str), width="100%"),
                              _err("reviews_required"), spacing="1", width="100%"),
                    rx.vstack(_label("Peer review cut-off (days after submitting)", "peer_days"),
                              rx.input(id="peer_days", name="peer_days", type="number", min=1, max=60,
                                       default_value=st["peer_days"].to(str), width="100%"),
                              rx.text("Work still short of reviews then goes to your grading queue.", size="1",
                                      color=rx.color("gray", 11)),
                              _err("peer_days"), spacing="1", width="100%"),
                    rx.vstack(_label("Pass mark (%)", "pass_percent"),
                              rx.input(id="pass_percent", name="pass_percent", type="number", min=0, max=100,
                                       default_value=st["pass_percent"].to(str), width="100%"),
                              _err("pass_percent"), spacing="1", width="100%"),
                    columns=rx.breakpoints(initial="1", sm="2"), spacing="4", width="100%",
                ),
                rx.cond((S.error != "") & (S.error_field == ""),
                        rx.callout(S.error, icon="circle-alert", color_scheme="red", width="100%")),
                rx.button(rx.icon("save", size=16), "Save settings", type="submit", loading=S.saving,
                          disabled=S.locked),
                spacing="3", width="100%", align="start",
            ),
            on_submit=S.save_settings, reset_on_submit=False, key=S.version.to(str), width="100%",
        ),
        width="100%",
    )


def _criterion_row(c, i) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(rx.text(c["title"], weight="medium"), rx.badge(c["max_points"], " pts", variant="soft"),
                          align="center", spacing="2", wrap="wrap"),
                rx.cond(c["description"] != "", rx.text(c["description"], size="2", color=rx.color("gray", 11))),
                rx.text(c["levels_label"], size="1", color=rx.color("gray", 11)),
                spacing="1", align="start", min_width="0",
            ),
            rx.hstack(
                rx.icon_button(rx.icon("arrow-up", size=14), size="1", variant="soft", aria_label="Move up",
                               disabled=(i == 0) | S.locked, on_click=S.move_criterion(c["id"], -1)),
                rx.icon_button(rx.icon("arrow-down", size=14), size="1", variant="soft", aria_label="Move down",
                               disabled=(i == S.criteria.length() - 1) | S.locked,
                               on_click=S.move_criterion(c["id"], 1)),
                rx.button(rx.icon("pencil", size=14), "Edit", size="1", variant="soft", disabled=S.locked,
                          on_click=S.edit_criterion(c["id"])),
                rx.alert_dialog.root(
                    rx.alert_dialog.trigger(rx.button(rx.icon("trash-2", size=14), "Delete", size="1", variant="soft",
                                                      color_scheme="red", disabled=S.locked)),
                    rx.alert_dialog.content(
                        rx.alert_dialog.title("Delete this criterion?"),
                        rx.alert_dialog.description("\u201c", c["title"], "\u201d is removed from the rubric. "
                                                    "Grades already given keep their scores."),
                        rx.hstack(rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                                  rx.alert_dialog.action(rx.button("Delete", color_scheme="red",
                                                                   on_click=S.delete_criterion(c["id"]))),
                                  justify="end", spacing="3", margin_top="1rem"),
                    ),
                ),
                spacing="2", align="center", wrap="wrap",
            ),
            justify="between", align="center", gap="3", wrap="wrap", width="100%",
        ),
        width="100%",
    )


def _level_row(level, i) -> rx.Component:
    return rx.hstack(
        rx.input(name="level_label_" + i.to(str), default_value=level["label"], placeholder="Level name",
                 aria_label="Level name", width="100%", max_length=80),
        rx.input(name="level_points_" + i.to(str), default_value=level["points"], placeholder="Points", type="number",
                 min=0, max=100, aria_label="Points", width="96px"),
        spacing="2", width="100%",
    )


def _criterion_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.editing == 0, "Add a criterion", "Edit criterion")),
            rx.dialog.description("Levels from best to worst; a criterion is worth its highest level. Leave "
                                  "rows blank to use fewer levels.", size="2", color=rx.color("gray", 11)),
            rx.form(
                rx.vstack(
                    _label("Criterion", "criterion-title"),
                    rx.input(id="criterion-title", name="title", default_value=S.draft_title, width="100%",
                             max_length=160, required=True),
                    _label("Description (optional)", "criterion-description"),
                    rx.text_area(id="criterion-description", name="description", default_value=S.draft_description,
                                 width="100%", rows="2", max_length=1000),
                    rx.text("Levels", size="2", weight="medium"),
                    rx.foreach(S.draft_levels, _level_row),
                    rx.cond(S.dialog_error != "", rx.callout(S.dialog_error, icon="circle-alert", color_scheme="red",
                                                             role="alert", width="100%")),
                    rx.hstack(rx.button("Cancel", variant="soft", color_scheme="gray", type="button",
                                        on_click=S.close_dialog),
                              rx.button("Save criterion", type="submit"),
                              justify="end", spacing="3", width="100%"),
                    spacing="2", width="100%",
                ),
                on_submit=S.save_criterion, reset_on_submit=False, key=S.version.to(str), width="100%",
            ),
            max_width="560px",
        ),
        open=S.dialog_open, on_open_change=lambda _: S.close_dialog(),
    )


def page() -> rx.Component:
    return page_shell(
        rx.cond(
            S.loaded,
            rx.cond(
                S.not_found,
                rx.callout("This assignment does not exist, or it is not yours to edit.", icon="circle-alert",
                           width="100%"),
                rx.vstack(
                    link_button(rx.icon("arrow-left", size=16), "Back to the course", href=S.course_href,
                                variant="ghost"),
                    page_heading(S.lesson_title, S.course_title),
                    rx.cond(S.locked, rx.callout("This course is waiting for review, so the assignment cannot be "
                                                 "changed right now.", icon="lock", color_scheme="amber",
                                                 width="100%")),
                    rx.card(rx.vstack(rx.heading("Instructions", size="4", as_="h2"),
                                      rx.cond(S.instructions != "", safe_markdown(S.instructions),
                                              rx.text("No instructions yet. Write them as the lesson text in the "
                                                      "course editor.", size="2", color=rx.color("gray", 11))),
                                      spacing="2", width="100%", align="start"), width="100%"),
                    _settings_form(),
                    rx.card(
                        rx.vstack(
                            rx.hstack(rx.heading("Rubric", size="4", as_="h2"), rx.spacer(),
                                      rx.button(rx.icon("plus", size=16), "Add a criterion", on_click=S.new_criterion,
                                                disabled=S.locked),
                                      width="100%", align="center"),
                            rx.cond(S.criteria.length() > 0,
                                    rx.vstack(rx.foreach(S.criteria, _criterion_row), spacing="2", width="100%"),
                                    rx.callout("Add at least one criterion: learners are graded with the rubric, "
                                               "and the course cannot be submitted for review without one.",
                                               icon="list-checks", width="100%")),
                            spacing="3", width="100%",
                        ),
                        width="100%",
                    ),
                    _criterion_dialog(),
                    spacing="4", width="100%", align="start",
                ),
            ),
            loading_block(),
        ),
        width="960px",
    )


ROUTE = "/teach/lessons/[lesson_id]/assignment"
TITLE = "Set up the assignment"
ON_LOAD = [AuthState.refresh, AssignmentEditorState.load]
