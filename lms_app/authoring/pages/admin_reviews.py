"""Admin review queue (/admin/reviews): pending courses oldest first, full preview, approve or reject."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell
from lms_app.ui.status import safe_markdown, status_badge
from lms_app.core.db import run_db
from lms_app.authoring.views import CourseDetailsView, LessonContentView, QueueRow
from lms_app.authoring.pages.course_editor.defaults import empty_details
from lms_app.authoring.services import views as authoring_views, review
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import ADMIN_AREA
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded


class AdminReviewState(rx.State):
    queue: list[QueueRow] = []
    published: list[QueueRow] = []
    selected_id: int = 0
    details: CourseDetailsView = empty_details()
    category: str = ""
    price_label: str = ""
    outcomes: list[str] = []
    lessons: list[LessonContentView] = []
    missing: list[str] = []
    loaded: bool = False
    preview_loading: bool = False
    reject_open: bool = False
    reject_error: str = ""
    acting: bool = False

    async def _refresh_queue(self) -> None:
        self.queue = await run_db(review.queue, current_actor())
        self.published = await run_db(review.published_list, current_actor())

    def _clear(self) -> None:
        self.selected_id, self.details, self.category, self.price_label = 0, empty_details(), "", ""
        self.outcomes, self.lessons, self.missing = [], [], []

    async def _show(self, course_id) -> str | None:
        try:
            data = await run_db(authoring_views.review_preview, current_actor(), course_id)
        except ServiceError as exc:
            return exc.message
        self.details, self.category, self.price_label = data["details"], data["category"], data["price_label"]
        self.outcomes, self.lessons, self.missing = data["outcomes"], data["lessons"], data["missing"]
        self.selected_id = data["details"]["id"]
        return None

    async def _show_oldest(self) -> None:
        self._clear()
        if self.queue:
            await self._show(self.queue[0]["id"])

    @rx.event
    @guarded(ADMIN_AREA)
    async def load(self):
        await self._refresh_queue()
        await self._show_oldest()
        self.reject_open, self.reject_error = False, ""
        self.loaded = True

    @rx.event
    @guarded(ADMIN_AREA)
    async def select(self, course_id: int):
        self.preview_loading = True
        yield
        error = await self._show(course_id)
        self.preview_loading = False
        if error:
            yield rx.toast.error(error)

    @rx.event
    @guarded(ADMIN_AREA)
    async def approve(self):
        if not self.selected_id:
            return rx.toast.error("Choose a course from the queue first.")
        try:
            course = await run_db(review.approve, current_actor(), self.selected_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._refresh_queue()
        await self._show_oldest()
        return rx.toast.success(f"“{course.title}” is published.")

    @rx.event
    @guarded(ADMIN_AREA)
    async def reject_dialog_changed(self, is_open: bool):
        self.reject_open = is_open is True
        self.reject_error = ""

    @rx.event
    @guarded(ADMIN_AREA)
    async def reject(self, form: dict):
        self.reject_error = ""
        if not self.selected_id:
            self.reject_error = "Choose a course from the queue first."
            return
        reason = form.get("reason") if isinstance(form, dict) else None
        try:
            course = await run_db(review.reject, current_actor(), self.selected_id, reason)
        except ServiceError as exc:
            self.reject_error = exc.message
            return
        self.reject_open = False
        await self._refresh_queue()
        await self._show_oldest()
        return rx.toast.success(f"“{course.title}” was sent back to its teacher with your note.")

    @rx.event
    @guarded(ADMIN_AREA)
    async def unpublish(self, form: dict):
        form = form if isinstance(form, dict) else {}
        try:
            course = await run_db(review.archive, current_actor(), form.get("course_id"), form.get("reason"))
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._refresh_queue()
        return rx.toast.success(f"“{course.title}” is unpublished (archived).")


A = AdminReviewState


def _unpublish_row(row: rx.Var[QueueRow]) -> rx.Component:
    return rx.hstack(
        rx.vstack(rx.text(row["title"], size="2", weight="medium"),
                  rx.text(row["teacher_name"], " · published ", row["submitted"], size="1", color=rx.color("gray", 11)),
                  spacing="0", align="start", flex="1", min_width="0"),
        rx.alert_dialog.root(
            rx.alert_dialog.trigger(rx.button("Unpublish", size="1", variant="soft", color_scheme="gray")),
            rx.alert_dialog.content(
                rx.alert_dialog.title("Unpublish this course?"),
                rx.alert_dialog.description("It leaves the catalog; enrolled learners keep access. The teacher "
                                            "sees your reason in the course history."),
                rx.form(
                    rx.el.input(type="hidden", name="course_id", value=row["id"].to_string()),
                    rx.text_area(name="reason", placeholder="Reason (optional)", aria_label="Reason", rows="3",
                                 width="100%", margin_top="0.75rem", max_length=review.REASON_MAX),
                    rx.hstack(rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray",
                                                               type="button")),
                              rx.alert_dialog.action(rx.button("Unpublish", color_scheme="red", type="submit")),
                              spacing="3", justify="end", margin_top="1rem"),
                    on_submit=A.unpublish, reset_on_submit=True,
                ),
            ),
        ),
        align="center", spacing="3", width="100%", padding_y="0.4rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def _published() -> rx.Component:
    return rx.vstack(
        rx.heading("Published", size="4", as_="h2", margin_top="1.5rem"),
        rx.cond(A.published.length() > 0,
                rx.vstack(rx.foreach(A.published, _unpublish_row), spacing="0", width="100%"),
                rx.text("No published courses.", size="2", color=rx.color("gray", 11))),
        spacing="2", width="100%", align="start",
    )


def _queue() -> rx.Component:
    return rx.vstack(
        rx.heading("Waiting for review", size="4", as_="h2"),
        rx.cond(
            A.queue.length() > 0,
            rx.vstack(rx.foreach(A.queue, lambda q: rx.card(
                rx.vstack(rx.text(q["title"], weight="bold"),
                          rx.text(q["teacher_name"], " · submitted ", q["submitted"], size="1",
                                  color=rx.color("gray", 11)),
                          spacing="1", align="start"),
                as_child=False, width="100%", cursor="pointer", on_click=A.select(q["id"]),
                role="button", tab_index=0, aria_label="Review " + q["title"],
                border=rx.cond(A.selected_id == q["id"], f"2px solid {rx.color('accent', 8)}", "2px solid transparent"),
            )), spacing="2", width="100%"),
            empty_state("inbox", "Nothing to review", "New submissions from teachers will appear here, oldest first."),
        ),
        spacing="3", width="100%", align="start",
    )


def _lesson(lesson: rx.Var[LessonContentView]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(lesson["module_title"], size="1", color=rx.color("gray", 10)),
                rx.spacer(),
                rx.cond(lesson["is_preview"], rx.badge("Free preview", color_scheme="green", variant="soft")),
                rx.badge(lesson["type_label"], variant="outline", color_scheme="gray"),
                rx.text(lesson["duration_label"], size="1", color=rx.color("gray", 10)),
                width="100%", align="center", spacing="2",
            ),
            rx.heading(lesson["title"], size="3", as_="h4"),
            rx.cond(lesson["embed_url"] != "",
                    rx.el.iframe(src=lesson["embed_url"], title=lesson["title"], width="100%",
                                 style={"aspectRatio": "16 / 9", "border": "0", "borderRadius": "8px"},
                                 allow="fullscreen; picture-in-picture", loading="lazy")),
            rx.cond(lesson["video_url"] != "",
                    rx.link(lesson["video_url"], href=lesson["video_url"], is_external=True, size="2")),
            rx.cond(lesson["file_url"] != "",
                    rx.link(rx.hstack(rx.icon("paperclip", size=14), rx.text(lesson["file_name"], " (",
                                                                            lesson["file_size_label"], ")"),
                                      align="center", spacing="1"),
                            href=lesson["file_url"], is_external=True, size="2")),
            rx.cond(lesson["body"] != "", safe_markdown(lesson["body"])),
            rx.cond(lesson["review_md"] != "",
                    rx.box(safe_markdown(lesson["review_md"]), width="100%", padding="0.75rem",
                           border_radius="8px", background=rx.color("gray", 2),
                           border=f"1px solid {rx.color('gray', 5)}")),
            rx.cond((lesson["body"] == "") & (lesson["file_url"] == "") & (lesson["video_url"] == "")
                    & (lesson["embed_url"] == "") & (lesson["review_md"] == ""),
                    rx.text("This lesson has no content yet.", size="2", color=rx.color("amber", 11))),
            spacing="2", width="100%", align="start",
        ),
        width="100%",
    )


def _reject_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("undo-2", size=16), "Request changes", color_scheme="red", variant="soft")),
        rx.dialog.content(
            rx.dialog.title("Request changes"),
            rx.dialog.description("The teacher sees this note on their course. Say what to fix.", size="2"),
            rx.form(
                rx.vstack(
                    rx.el.label("Reason", html_for="reject-reason",
                                style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
                    rx.text_area(id="reject-reason", name="reason", rows="5", width="100%", required=True,
                                 min_length=review.REASON_MIN, max_length=review.REASON_MAX),
                    rx.cond(A.reject_error != "", rx.text(A.reject_error, size="1", color=rx.color("red", 11),
                                                          role="alert")),
                    rx.hstack(rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
                              rx.button("Send back to teacher", type="submit", color_scheme="red"),
                              spacing="3", justify="end", width="100%"),
                    spacing="3", width="100%", align="start",
                ),
                on_submit=A.reject, reset_on_submit=False,
            ),
        ),
        open=A.reject_open, on_open_change=A.reject_dialog_changed,
    )


def _preview() -> rx.Component:
    d = A.details
    return rx.cond(
        A.selected_id != 0,
        rx.vstack(
            rx.hstack(rx.heading(d["title"], size="6", as_="h2"), status_badge(d["status"]), align="center",
                      spacing="3", wrap="wrap"),
            rx.cond(d["subtitle"] != "", rx.text(d["subtitle"], size="3", color=rx.color("gray", 11))),
            rx.hstack(rx.badge(A.category, variant="soft"), rx.badge(d["level"], variant="outline"),
                      rx.badge(d["language"], variant="outline", color_scheme="gray"), rx.text(A.price_label, weight="bold"),
                      rx.text(d["duration_label"], color=rx.color("gray", 11)), spacing="2", align="center", wrap="wrap"),
            rx.cond(d["thumbnail_url"] != "",
                    rx.image(src=d["thumbnail_url"], alt="Course thumbnail", width="100%", max_width="480px",
                             aspect_ratio="16 / 9", object_fit="cover", border_radius="8px")),
            rx.cond(A.missing.length() > 0,
                    rx.callout(rx.text("Incomplete: ", A.missing.join(", ")), icon="triangle-alert",
                               color_scheme="amber", width="100%")),
            rx.hstack(
                rx.button(rx.icon("circle-check", size=16), "Approve and publish", color_scheme="green",
                          on_click=A.approve),
                _reject_dialog(),
                spacing="3", wrap="wrap",
            ),
            rx.heading("Description", size="4", as_="h3"),
            safe_markdown(d["description"]),
            rx.cond(A.outcomes.length() > 0, rx.vstack(
                rx.heading("What you will learn", size="4", as_="h3"),
                rx.el.ul(rx.foreach(A.outcomes, lambda o: rx.el.li(o)), style={"paddingLeft": "1.2rem"}),
                spacing="2", align="start")),
            rx.heading("Lessons (", A.lessons.length(), ")", size="4", as_="h3"),
            rx.vstack(rx.foreach(A.lessons, _lesson), spacing="3", width="100%"),
            spacing="3", width="100%", align="start",
        ),
        rx.cond(A.queue.length() > 0,
                rx.center(rx.text("Choose a course on the left to preview it.", color=rx.color("gray", 11)),
                          padding="3rem", width="100%", border=f"1px dashed {rx.color('gray', 6)}",
                          border_radius="12px")),
    )


def page() -> rx.Component:
    return page_shell(
        rx.link(rx.hstack(rx.icon("arrow-left", size=14), rx.text("Administration"), align="center", spacing="1"),
                href="/admin", size="2"),
        page_heading("Course reviews", "Approve courses for the catalog, or send them back with a note."),
        rx.cond(
            A.loaded,
            rx.vstack(
                rx.grid(_queue(), rx.box(rx.cond(A.preview_loading, loading_block(), _preview()), width="100%",
                                         min_width="0"),
                        columns=rx.breakpoints(initial="1", md="1fr 2fr"), spacing="5", width="100%",
                        align_items="start"),
                _published(), spacing="4", width="100%",
            ),
            loading_block(),
        ),
    )


ROUTE = "/admin/reviews"
TITLE = "Course reviews"
ON_LOAD = [AuthState.refresh, AdminReviewState.load]
