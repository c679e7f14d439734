"""The assignment panel of the course player: due date, submission (text + files), status, the
anonymous peer reviews to give, and the final grade with per-criterion scores and feedback.

``AssignmentState.load`` runs when the panel mounts (only for assignment lessons, only signed
in). The lesson id comes from the page URL and is kept server-side; every service call checks
enrolment (or teacher/admin) itself. Review ids in forms are checked against the reviewer.
"""

from __future__ import annotations

import zoneinfo

import reflex as rx

from lms_app.assignments.pages.rubric import feedback_input, rubric_summary, scores_from_form, scoring_inputs
from lms_app.ui.forms import upload
from lms_app.ui.status import safe_markdown
from lms_app.core.db import run_db
from lms_app.assignments.views import (
    AssignmentSettingsView,
    CriterionView,
    FileView,
    MySubmissionView,
    ReviewTaskView,
)
from lms_app.assignments.services import views as assignment_views, peer_review, submissions
from lms_app.assignments.models import AssignmentSettings
from lms_app.assignments.services.setup import settings_view
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import LEARNER_AREA
from lms_app.core.settings import get_settings
from lms_app.core.guard import current_actor, guarded

UPLOAD_ID = "submission_files"


def _blank_settings() -> AssignmentSettingsView:
    return settings_view(AssignmentSettings(lesson_id=0), zoneinfo.ZoneInfo("UTC"))


class AssignmentState(rx.State):
    role: str = ""  # "" while loading | learner | staff | none
    message: str = ""
    settings: AssignmentSettingsView = _blank_settings()
    criteria: list[CriterionView] = []
    submission: MySubmissionView = assignment_views.empty_submission()
    files: list[FileView] = []
    tasks: list[ReviewTaskView] = []
    saving: bool = False
    uploading: bool = False
    upload_percent: int = 0
    reviewing: int = 0
    error: str = ""
    version: int = 0
    _lesson: int = 0

    def _lesson_from_url(self) -> int:
        parts = self.router.url.path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "learn" and parts[2].isdigit() and len(parts[2]) < 18:
            return int(parts[2])
        return 0

    async def _refresh(self) -> None:
        data = await run_db(assignment_views.panel, current_actor(), self._lesson)
        self.role, self.settings, self.criteria = data["role"], data["settings"], data["criteria"]
        self.submission, self.files, self.tasks = data["submission"], data["files"], data["tasks"]
        self.version += 1

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        self.role, self.message, self.error, self._lesson = "", "", "", self._lesson_from_url()
        self.files, self.tasks, self.criteria = [], [], []
        self.submission = assignment_views.empty_submission()
        try:
            await self._refresh()
        except ServiceError as exc:
            self.role, self.message = "none", exc.message

    @rx.event
    @guarded(LEARNER_AREA)
    async def submit_text(self, form: dict):
        if self.role != "learner" or not self._lesson:
            return
        text = form.get("text") if isinstance(form, dict) else None
        self.saving, self.error = True, ""
        yield
        try:
            await run_db(submissions.submit_text, current_actor(), self._lesson, text)
            await self._refresh()
        except ServiceError as exc:
            self.saving, self.error = False, exc.message
            yield rx.toast.error(exc.message)
            return
        self.saving = False
        yield rx.toast.success("Your answer was submitted.")

    @rx.event
    @guarded(LEARNER_AREA)
    async def upload_progress(self, progress: dict):
        value = progress.get("progress") if isinstance(progress, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
            self.upload_percent = int(value * 100)

    @rx.event
    @guarded(LEARNER_AREA)
    async def add_files(self, files: list[rx.UploadFile]):
        if self.role != "learner" or not self._lesson:
            return
        if not isinstance(files, list) or not files or not all(isinstance(f, rx.UploadFile) for f in files):
            self.error = "Choose a file to attach."
            return
        self.uploading, self.error = True, ""
        yield
        added, errors = 0, []
        for upload in files[:submissions.FILES_MAX]:
            name = getattr(upload, "name", None) or getattr(upload, "filename", "") or ""
            try:  # the spooled file is streamed to storage in chunks, up to the limit (core/storage.py)
                await run_db(submissions.add_file, get_settings(), current_actor(), self._lesson, upload.file,
                             str(name))
                added += 1
            except ServiceError as exc:
                errors.append(f"{str(name)[:60]}: {exc.message}")
        try:
            await self._refresh()
        except ServiceError:
            pass
        self.uploading, self.upload_percent = False, 0
        self.error = " ".join(errors)
        if added:
            yield rx.toast.success(f"{added} file{'s' if added > 1 else ''} attached to your submission.")
        if errors:
            yield rx.toast.error(errors[0])

    @rx.event
    @guarded(LEARNER_AREA)
    async def remove_file(self, file_id: int):
        if self.role != "learner" or not self._lesson:
            return
        try:
            await run_db(submissions.remove_file, get_settings(), current_actor(), self._lesson, file_id)
            await self._refresh()
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        return rx.toast.success("File removed.")

    @rx.event
    @guarded(LEARNER_AREA)
    async def submit_review(self, form: dict):
        if self.role != "learner" or not isinstance(form, dict):
            return
        review_id = form.get("review_id")
        self.reviewing = int(review_id) if isinstance(review_id, str) and review_id.isdigit() \
            and len(review_id) < 12 else 0
        yield
        try:
            final = await run_db(peer_review.submit_review, current_actor(), review_id, scores_from_form(form),
                                 form.get("feedback"))
            await self._refresh()
        except ServiceError as exc:
            self.reviewing = 0
            yield rx.toast.error(exc.message)
            return
        self.reviewing = 0
        yield rx.toast.success("Review sent. Thank you!" if not final else
                               "Review sent: that submission now has its grade.")


S = AssignmentState


def _file_row(f) -> rx.Component:
    return rx.hstack(
        rx.icon("paperclip", size=14),
        rx.link(f["name"], href=f["url"], is_external=True, size="2"),
        rx.text(f["size_label"], size="1", color=rx.color("gray", 10)),
        align="center", spacing="2", wrap="wrap",
    )


def _own_file_row(f) -> rx.Component:
    return rx.hstack(
        _file_row(f),
        rx.cond(S.submission["can_change"],
                rx.alert_dialog.root(
                    rx.alert_dialog.trigger(rx.icon_button(rx.icon("trash-2", size=14), size="1", variant="ghost",
                                                           color_scheme="red", aria_label="Remove file")),
                    rx.alert_dialog.content(
                        rx.alert_dialog.title("Remove this file?"),
                        rx.alert_dialog.description("It is removed from your submission."),
                        rx.hstack(rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                                  rx.alert_dialog.action(rx.button("Remove", color_scheme="red",
                                                                   on_click=S.remove_file(f["id"]))),
                                  justify="end", spacing="3", margin_top="1rem"),
                    ),
                )),
        align="center", spacing="2",
    )


def _header() -> rx.Component:
    st = S.settings
    return rx.hstack(
        rx.cond(st["due_label"] != "",
                rx.badge(rx.icon("calendar-clock", size=14), "Due ", st["due_label"], variant="soft", size="2"),
                rx.badge(rx.icon("calendar", size=14), "No due date", variant="soft", color_scheme="gray", size="2")),
        rx.cond(st["grading_mode"] == "peer",
                rx.badge(rx.icon("users", size=14), "Peer reviewed (", st["reviews_required"], " reviews)",
                         variant="soft", color_scheme="violet", size="2"),
                rx.badge(rx.icon("user-check", size=14), "Graded by the teacher", variant="soft",
                         color_scheme="violet", size="2")),
        rx.badge("Pass mark ", st["pass_percent"], " %", variant="soft", color_scheme="gray", size="2"),
        spacing="2", wrap="wrap",
    )


def _instructions() -> rx.Component:
    from lms_app.learning.pages.learn_state import LearnState

    body = LearnState.content["body"]
    return rx.cond(body != "", rx.box(rx.heading("Instructions", size="4", as_="h2"), safe_markdown(body),
                                      width="100%"))


def _grade() -> rx.Component:
    sub = S.submission
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Your grade", size="4", as_="h2"),
                rx.badge(sub["percent"], " %", size="3",
                         color_scheme=rx.cond(sub["passed"], "green", "amber")),
                rx.cond(sub["passed"], rx.badge(rx.icon("circle-check", size=14), "Passed", color_scheme="green"),
                        rx.badge("Below the pass mark", color_scheme="amber")),
                align="center", spacing="3", wrap="wrap",
            ),
            rx.text("Points: ", sub["points_label"], size="2", color=rx.color("gray", 11)),
            rx.foreach(sub["breakdown"], lambda b: rx.hstack(
                rx.text(b["title"], size="2"), rx.spacer(), rx.text(b["points"], " / ", b["max"], size="2",
                                                                    weight="medium"),
                width="100%", border_bottom=f"1px solid {rx.color('gray', 4)}", padding_y="0.25rem")),
            rx.heading("Feedback", size="3", as_="h3", margin_top="0.5rem"),
            rx.foreach(sub["feedback"], lambda f: rx.box(
                rx.text(f["label"], size="1", weight="bold", color=rx.color("gray", 11)),
                safe_markdown(f["text"]),
                width="100%", padding="0.5rem 0.75rem", background=rx.color("gray", 2), border_radius="8px")),
            spacing="2", width="100%", align="start",
        ),
        width="100%",
    )


def _submission_form() -> rx.Component:
    sub = S.submission
    return rx.card(
        rx.vstack(
            rx.hstack(rx.heading("Your submission", size="4", as_="h2"),
                      rx.badge(sub["status_label"], variant="soft",
                               color_scheme=rx.cond(sub["exists"], "blue", "gray")),
                      rx.cond(sub["late"], rx.badge("Late", color_scheme="amber")),
                      align="center", spacing="2", wrap="wrap"),
            rx.cond(sub["exists"], rx.text("Last changed ", sub["submitted_label"], size="1",
                                           color=rx.color("gray", 11))),
            rx.cond(
                sub["can_change"],
                rx.form(
                    rx.vstack(
                        rx.el.label("Your answer", html_for="assignment-text",
                                    style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
                        rx.text_area(id="assignment-text", name="text", default_value=sub["text"], rows="8",
                                     width="100%", key=S.version.to(str), max_length=50000,
                                     placeholder="Write your answer here (Markdown works)."),
                        rx.button(rx.icon("send", size=16), rx.cond(sub["exists"], "Update my answer",
                                                                    "Submit my answer"),
                                  type="submit", loading=S.saving),
                        spacing="2", width="100%", align="start",
                    ),
                    on_submit=S.submit_text, width="100%",
                ),
                rx.cond(sub["text"] != "", rx.box(safe_markdown(sub["text"]), width="100%", padding="0.75rem",
                                                  background=rx.color("gray", 2), border_radius="8px")),
            ),
            rx.text("Files", size="2", weight="medium"),
            rx.cond(S.files.length() > 0, rx.vstack(rx.foreach(S.files, _own_file_row), spacing="1"),
                    rx.text("No files attached.", size="2", color=rx.color("gray", 11))),
            rx.cond(
                sub["can_change"],
                rx.vstack(
                    upload(
                        "Files for your submission",
                        rx.button(rx.icon("upload", size=16), "Attach files", variant="soft", type="button",
                                  loading=S.uploading),
                        id=UPLOAD_ID, multiple=True, max_files=5, no_drag=True, border="none", padding="0",
                        accept={"application/pdf": [".pdf"], "image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"],
                                "image/gif": [".gif"], "image/webp": [".webp"], "application/zip": [".zip"]},
                        on_drop=S.add_files(rx.upload_files(upload_id=UPLOAD_ID,
                                                            on_upload_progress=S.upload_progress)),
                    ),
                    rx.cond(S.uploading, rx.progress(value=S.upload_percent, width="100%", max_width="320px",
                                                     aria_label="Upload progress")),
                    rx.text("PDF, images (PNG, JPEG, GIF, WebP) or ZIP; up to 20 MB each, 5 files.", size="1",
                            color=rx.color("gray", 11)),
                    spacing="2", align="start",
                ),
                rx.text("Your submission can no longer be changed.", size="1", color=rx.color("gray", 11)),
            ),
            rx.cond(S.error != "", rx.callout(S.error, icon="circle-alert", color_scheme="red", role="alert",
                                              width="100%")),
            rx.cond((sub["reviews_required"] > 0) & sub["exists"] & ~sub["graded"],
                    rx.text("Peer reviews received: ", sub["reviews_done"], " of ", sub["reviews_required"], size="2",
                            color=rx.color("gray", 11))),
            spacing="3", width="100%", align="start",
        ),
        width="100%",
    )


def _task(t) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.heading(t["label"], size="3", as_="h3"),
                      rx.cond(t["done"], rx.badge(rx.icon("check", size=12), "Reviewed", color_scheme="green"),
                              rx.cond(t["open"], rx.badge("To review", color_scheme="blue"),
                                      rx.badge("No longer needed", color_scheme="gray"))),
                      align="center", spacing="2"),
            rx.cond(t["text"] != "", rx.box(safe_markdown(t["text"]), width="100%", padding="0.75rem",
                                            background=rx.color("gray", 2), border_radius="8px")),
            rx.foreach(t["files"], _file_row),
            rx.cond(
                t["open"],
                rx.form(
                    rx.vstack(
                        rx.el.input(type="hidden", name="review_id", value=t["id"].to(str)),
                        scoring_inputs(S.criteria),
                        feedback_input("Your feedback"),
                        rx.button(rx.icon("send", size=16), "Send review", type="submit",
                                  loading=S.reviewing == t["id"]),
                        spacing="3", width="100%", align="start",
                    ),
                    on_submit=S.submit_review, reset_on_submit=False, width="100%",
                ),
                rx.cond(t["done"], rx.text("Your feedback: ", t["feedback"], size="2",
                                           color=rx.color("gray", 11))),
            ),
            spacing="3", width="100%", align="start",
        ),
        width="100%",
    )


def _reviews() -> rx.Component:
    return rx.cond(
        S.tasks.length() > 0,
        rx.vstack(
            rx.heading("Reviews to give", size="4", as_="h2"),
            rx.text("Classmates' work is shown without names. Score each criterion and say what would make it "
                    "better.", size="2", color=rx.color("gray", 11)),
            rx.foreach(S.tasks, _task),
            spacing="3", width="100%", align="start",
        ),
        rx.cond((S.settings["grading_mode"] == "peer") & S.submission["exists"],
                rx.callout("Reviews of classmates' work will appear here as they submit.", icon="users",
                           width="100%")),
    )


def assignment_panel() -> rx.Component:
    from lms_app.learning.pages.learn_state import LearnState

    return rx.cond(LearnState.signed_in, _panel(),
                   rx.callout("Sign in and enroll in the course to submit this assignment.", icon="lock",
                              width="100%"))


def _panel() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.role == "",
            rx.skeleton(rx.box(height="120px", width="100%")),
            rx.match(
                S.role,
                ("learner", rx.vstack(
                    _header(),
                    _instructions(),
                    rx.cond(S.submission["graded"], _grade()),
                    _submission_form(),
                    _reviews(),
                    rx.cond(S.criteria.length() > 0,
                            rx.card(rx.vstack(rx.heading("Rubric", size="3", as_="h2"), rubric_summary(S.criteria),
                                              spacing="2", width="100%"), width="100%")),
                    spacing="4", width="100%", align="start",
                )),
                ("staff", rx.vstack(
                    _header(),
                    _instructions(),
                    rx.callout("You are viewing this assignment as staff. Learners submit here; you grade from "
                               "the grading queue.", icon="info", width="100%"),
                    rx.hstack(rx.link("Open the grading queue", href="/teach/grading"), spacing="3"),
                    rx.card(rx.vstack(rx.heading("Rubric", size="3", as_="h2"), rubric_summary(S.criteria),
                                      spacing="2", width="100%"), width="100%"),
                    spacing="3", width="100%", align="start",
                )),
                rx.vstack(_instructions(), rx.callout(S.message, icon="lock", width="100%"), width="100%"),
            ),
        ),
        on_mount=S.load, width="100%", spacing="3",
    )
