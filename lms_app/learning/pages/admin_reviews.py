"""/admin/learner-reviews: every learner review, newest first, to hide abuse or show a review again.

Hiding takes a review out of the course page and out of the course's rating (reviews.set_hidden
recomputes it); showing it again puts both back, so no confirmation is needed for either.
"""

from __future__ import annotations

import reflex as rx

from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell
from lms_app.core.db import run_db
from lms_app.learning.services import review_moderation, reviews
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import ADMIN_AREA
from lms_app.ui.paging import AdminKeysetPages
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded


class LearnerReviewsState(AdminKeysetPages, rx.State):
    rows: list[review_moderation.ModerationRow] = []
    hidden_only: bool = False
    busy_id: int = 0

    async def _page(self, cursor: int):
        return await run_db(review_moderation.page, current_actor(), self.hidden_only, cursor or None)

    @rx.event
    @guarded(ADMIN_AREA)
    async def load(self):
        self.loaded, self.hidden_only = False, False
        await self._fetch(0)

    @rx.event
    @guarded(ADMIN_AREA)
    async def show_hidden_only(self, value: bool):
        self.hidden_only = value is True
        await self._fetch(0)

    @rx.event
    @guarded(ADMIN_AREA)
    async def change_visibility(self, review_id: int, hidden: bool):
        self.busy_id = review_id if isinstance(review_id, int) else 0
        yield
        try:
            await run_db(reviews.set_hidden, current_actor(), review_id, hidden)
        except ServiceError as exc:
            self.busy_id = 0
            yield rx.toast.error(exc.message)
            return
        await self._fetch(self._cursor)
        self.busy_id = 0
        yield rx.toast.success("Review hidden: it no longer counts in the rating." if hidden is True
                               else "Review shown again and counted in the rating.")


S = LearnerReviewsState


def _row(row) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(row["stars"], color=rx.color("amber", 10), aria_label=row["rating"].to_string() + " of 5 stars"),
                rx.text(row["author"], weight="bold", size="2"),
                rx.text("on ", rx.link(row["course_title"], href="/courses/" + row["course_slug"]), size="2"),
                rx.text(row["date"], size="1", color=rx.color("gray", 11)),
                rx.cond(row["hidden"], rx.badge("Hidden", color_scheme="red")),
                spacing="2", align="center", wrap="wrap",
            ),
            rx.cond(row["comment"] != "", rx.text(row["comment"], size="2", white_space="pre-wrap"),
                    rx.text("No comment, rating only.", size="2", color=rx.color("gray", 11))),
            rx.cond(
                row["hidden"],
                rx.button(rx.icon("eye", size=14), "Show again", size="1", variant="soft",
                          loading=S.busy_id == row["id"], on_click=S.change_visibility(row["id"], False)),
                rx.button(rx.icon("eye-off", size=14), "Hide", size="1", variant="soft", color_scheme="red",
                          loading=S.busy_id == row["id"], on_click=S.change_visibility(row["id"], True)),
            ),
            spacing="2", align="start", width="100%",
        ),
        width="100%",
    )


def page() -> rx.Component:
    return page_shell(
        page_heading("Learner reviews", "Newest first. Hidden reviews leave the course page and its rating."),
        rx.hstack(rx.switch(checked=S.hidden_only, on_change=S.show_hidden_only, id="hidden-only"),
                  rx.el.label("Hidden reviews only", html_for="hidden-only"), align="center", spacing="2",
                  margin_bottom="1rem"),
        rx.cond(
            S.loaded,
            rx.cond(
                S.rows.length() > 0,
                rx.vstack(
                    rx.foreach(S.rows, _row),
                    rx.hstack(
                        rx.cond(~S.first_page, rx.button("Newest", variant="soft", on_click=S.newest)),
                        rx.cond(S.older_than != 0, rx.button("Older reviews", variant="soft", on_click=S.older)),
                        spacing="3",
                    ),
                    spacing="3", width="100%",
                ),
                empty_state("message-square", rx.cond(S.hidden_only, "No hidden reviews", "No reviews yet"),
                            "Reviews that learners leave on courses appear here."),
            ),
            loading_block(),
        ),
    )


ROUTE = "/admin/learner-reviews"
TITLE = "Learner reviews"
ON_LOAD = [AuthState.refresh, LearnerReviewsState.load]
