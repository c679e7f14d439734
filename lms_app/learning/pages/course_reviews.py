"""Reviews on the course page: list, the learner's own review form, teacher reply, admin hiding."""

from __future__ import annotations

import reflex as rx

from lms_app.core.db import run_db
from lms_app.learning.services import progress, reviews
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import ADMIN_AREA, LEARNER_AREA, TEACHER_AREA
from lms_app.core.guard import current_actor, guarded, public, resolve


def _course(session, slug: str, viewer):
    return reviews.course_for_reviews(session, viewer, slug)


def _page_data(session, viewer, slug: str) -> dict:
    course = _course(session, slug, viewer)
    if course is None:
        return {"course_id": 0, "rows": [], "can_review": False, "can_reply": False, "rating": 0, "comment": ""}
    mine = reviews.own(session, viewer, course.id)
    can_review = viewer is not None and course.status in ("published", "archived") \
        and progress.is_enrolled(session, viewer.user_id, course.id)
    return {"course_id": course.id, "rows": reviews.for_course(session, viewer, course.id), "can_review": can_review,
            "can_reply": viewer is not None and viewer.user_id == course.teacher_id,
            "rating": mine.rating if mine else 0, "comment": mine.comment if mine else ""}


class ReviewsState(rx.State):
    rows: list[reviews.ReviewView] = []
    can_review: bool = False
    can_reply: bool = False
    is_admin: bool = False
    has_review: bool = False
    my_rating: int = 0
    my_comment: str = ""
    error: str = ""
    _course_id: int = 0

    @rx.event
    @public
    async def load(self):
        """Public by design: visible reviews of a course the viewer may see (hidden ones only for admins)."""
        from lms_app.catalog.pages.course import slug_from_path

        found = await resolve(self)
        viewer = found[0] if found else None
        data = await run_db(_page_data, viewer, slug_from_path(self.router.url.path))
        self._course_id, self.rows = data["course_id"], data["rows"]
        self.can_review, self.can_reply = data["can_review"], data["can_reply"]
        self.is_admin = viewer is not None and viewer.role == "admin"
        self.my_rating, self.my_comment, self.has_review = data["rating"], data["comment"], data["rating"] > 0
        self.error = ""

    @rx.event
    @guarded(LEARNER_AREA)
    def pick(self, rating: int):
        if isinstance(rating, int) and not isinstance(rating, bool) and 1 <= rating <= 5:
            self.my_rating = rating

    def _after(self) -> list:
        from lms_app.catalog.pages.course import CoursePageState  # the course page imports this module

        return [ReviewsState.load, CoursePageState.load]

    @rx.event
    @guarded(LEARNER_AREA)
    async def save(self, form: dict):
        form = form if isinstance(form, dict) else {}
        try:
            await run_db(reviews.save, current_actor(), self._course_id, self.my_rating, form.get("comment"))
        except ServiceError as exc:
            self.error = exc.message
            return
        return [rx.toast.success("Thanks for your review!"), *self._after()]

    @rx.event
    @guarded(LEARNER_AREA)
    async def delete(self):
        await run_db(reviews.delete, current_actor(), self._course_id)
        return [rx.toast.info("Your review was deleted."), *self._after()]

    @rx.event
    @guarded(TEACHER_AREA)
    async def reply(self, form: dict):
        form = form if isinstance(form, dict) else {}
        try:
            await run_db(reviews.reply, current_actor(), form.get("review_id"), form.get("reply"))
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        return self._after()

    @rx.event
    @guarded(ADMIN_AREA)
    async def hide(self, review_id: int):
        try:
            await run_db(reviews.set_hidden, current_actor(), review_id, True)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        return self._after()

    @rx.event
    @guarded(ADMIN_AREA)
    async def unhide(self, review_id: int):
        try:
            await run_db(reviews.set_hidden, current_actor(), review_id, False)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        return self._after()


R = ReviewsState


def _star_picker() -> rx.Component:
    return rx.hstack(
        *[rx.icon_button(rx.icon("star", size=18, fill=rx.cond(R.my_rating >= n, "currentColor", "none")),
                         type="button", variant="ghost", color_scheme="amber", aria_label=f"{n} star{'s' if n > 1 else ''}",
                         aria_pressed=R.my_rating == n, on_click=ReviewsState.pick(n)) for n in range(1, 6)],
        spacing="1", role="group", aria_label="Your rating",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(rx.cond(R.has_review, "Your review", "Rate this course"), weight="bold"),
            _star_picker(),
            rx.text_area(name="comment", default_value=R.my_comment, key=R.my_comment, placeholder="What did you think?",
                         max_length=reviews.COMMENT_MAX, width="100%", aria_label="Comment"),
            rx.cond(R.error != "", rx.text(R.error, color=rx.color("red", 11), size="2", role="alert")),
            rx.hstack(rx.button(rx.cond(R.has_review, "Update review", "Post review"), type="submit"),
                      rx.cond(R.has_review, rx.button("Delete review", type="button", variant="soft", color_scheme="red",
                                                       on_click=ReviewsState.delete)), spacing="3"),
            spacing="2", width="100%", align="start",
        ),
        on_submit=ReviewsState.save, width="100%",
    )


def _row(row) -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.text(row["author"], weight="bold", size="2"),
                  rx.text(row["stars"], color=rx.color("amber", 10), aria_label=row["rating"].to_string() + " of 5 stars"),
                  rx.text(row["date"], size="1", color=rx.color("gray", 11)),
                  rx.cond(row["hidden"], rx.badge("Hidden", color_scheme="red")), spacing="3", align="center",
                  wrap="wrap"),
        rx.cond(row["comment"] != "", rx.text(row["comment"], size="2", white_space="pre-wrap")),
        rx.cond(row["teacher_reply"] != "",
                rx.box(rx.text("Teacher's reply", size="1", weight="bold"), rx.text(row["teacher_reply"], size="2"),
                       padding="0.5rem 0.75rem", border_left=f"3px solid {rx.color('accent', 8)}", width="100%")),
        rx.cond(R.can_reply & (row["teacher_reply"] == ""),
                rx.form(rx.hstack(rx.el.input(type="hidden", name="review_id", value=row["id"].to_string()),
                                  rx.input(name="reply", placeholder="Reply to this review", max_length=reviews.REPLY_MAX,
                                           aria_label="Reply", flex="1"),
                                  rx.button("Reply", type="submit", size="2", variant="soft"), width="100%"),
                        on_submit=ReviewsState.reply, width="100%")),
        rx.cond(R.is_admin,
                rx.cond(row["hidden"],
                        rx.button("Show review again", size="1", variant="ghost",
                                  on_click=ReviewsState.unhide(row["id"])),
                        rx.button("Hide review", size="1", variant="ghost", color_scheme="red",
                                  on_click=ReviewsState.hide(row["id"])))),
        spacing="1", width="100%", align="start", padding_y="0.75rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def reviews_section() -> rx.Component:
    return rx.vstack(
        rx.heading("Reviews", size="5", as_="h2"),
        rx.cond(R.can_review, _form()),
        rx.cond(R.rows.length() > 0, rx.vstack(rx.foreach(R.rows, _row), spacing="0", width="100%"),
                rx.text("No reviews yet.", color=rx.color("gray", 11))),
        spacing="3", width="100%", align="start", id="reviews",
    )
