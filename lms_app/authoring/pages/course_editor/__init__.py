"""The course editor (/teach/courses/<id>): details, curriculum and review, for the owner or an admin.

The package: ``state`` (CourseEditorState and its handlers), ``widgets``, one module per tab
(``details_tab``, ``curriculum_tab``, ``review_tab``), and here the header and the page.

The state design is described in ``state.py``.
"""

from __future__ import annotations

import reflex as rx

from lms_app.ui.layout import empty_state, loading_block, page_shell
from lms_app.ui.links import link_button
from lms_app.ui.status import status_badge
from lms_app.authoring.pages.course_editor.curriculum_tab import _curriculum_tab, _lesson_dialog
from lms_app.authoring.pages.course_editor.details_tab import _details_tab
from lms_app.authoring.pages.course_editor.review_tab import _review_tab
from lms_app.authoring.pages.course_editor.state import CourseEditorState, S
from lms_app.core.auth_state import AuthState


def _header() -> rx.Component:
    d = S.details
    first = S.lessons[0]["id"].to_string()
    return rx.vstack(
        rx.link(rx.hstack(rx.icon("arrow-left", size=14), rx.text("All my courses"), align="center", spacing="1"),
                href="/teach", size="2"),
        rx.hstack(
            rx.heading(d["title"], size="7", as_="h1"),
            status_badge(d["status"]),
            rx.spacer(),
            rx.cond(S.lessons.length() > 0,
                    link_button(rx.icon("eye", size=16), "Preview as a learner",
                                href="/learn/" + d["slug"] + "/" + first + "?as=learner", variant="soft")),
            rx.cond(S.lessons.length() > 0,
                    link_button(rx.icon("book-open", size=16), "Open lessons", href="/learn/" + d["slug"] + "/" + first,
                                variant="soft", color_scheme="gray")),
            rx.cond(d["status"] == "published",
                    link_button(rx.icon("external-link", size=16), "Course page", href="/courses/" + d["slug"],
                                variant="soft", color_scheme="gray")),
            align="center", spacing="3", wrap="wrap", width="100%",
        ),
        spacing="2", width="100%", margin_bottom="1rem",
    )


def page() -> rx.Component:
    return page_shell(
        rx.cond(
            S.loaded,
            rx.cond(
                S.not_found,
                empty_state("search-x", "Course not found",
                            "It may have been deleted, or it belongs to another teacher.",
                            link_button("Back to my courses", href="/teach")),
                rx.vstack(
                    _header(),
                    rx.cond(S.details["status"] == "pending",
                            rx.callout("This course is waiting for review, so it cannot be changed right now. "
                                       "Withdraw it on the Review tab to edit.", icon="lock", color_scheme="amber",
                                       width="100%")),
                    rx.tabs.root(
                        rx.tabs.list(rx.tabs.trigger("Details", value="details"),
                                     rx.tabs.trigger("Curriculum", value="curriculum"),
                                     rx.tabs.trigger("Review", value="review")),
                        rx.tabs.content(_details_tab(), value="details", padding_top="1.25rem"),
                        rx.tabs.content(_curriculum_tab(), value="curriculum", padding_top="1.25rem"),
                        rx.tabs.content(_review_tab(), value="review", padding_top="1.25rem"),
                        value=S.tab, on_change=S.choose_tab, width="100%",
                    ),
                    _lesson_dialog(),
                    spacing="3", width="100%",
                ),
            ),
            loading_block(),
        ),
    )


ROUTE = "/teach/courses/[course_id]"
TITLE = "Edit course"
ON_LOAD = [AuthState.refresh, CourseEditorState.load]
