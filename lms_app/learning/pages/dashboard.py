"""The learner's home: courses in progress (continue), completed, suggestions; room for later issues."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.wording import counted

from lms_app.ui.cards import course_grid, thumbnail
from lms_app.certificates.pages.card import certificate_card
from lms_app.ui.links import link_button
from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell
from lms_app.core.db import run_db
from lms_app.core.origins import public_base
from lms_app.core.views import CourseCardView
from lms_app.certificates.models import CertificateView
from lms_app.certificates.services import issuing as certificates
from lms_app.learning.services import dashboards, recommendations
from lms_app.learning.services.dashboards import LearningView
from lms_app.core.permissions import LEARNER_AREA
from lms_app.core.settings import get_settings
from lms_app.core.auth_state import AuthState
from lms_app.core import plugins
from lms_app.core.guard import current_actor, guarded


class DashboardState(rx.State):
    courses: list[CourseCardView] = []
    in_progress: list[LearningView] = []
    completed: list[LearningView] = []
    suggestions: list[CourseCardView] = []
    certificates: list[CertificateView] = []
    loaded: bool = False

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        actor = current_actor()
        learning = await run_db(dashboards.learner_learning, actor)
        self.in_progress, self.completed = learning["in_progress"], learning["completed"]
        self.courses = [row["course"] for row in self.in_progress + self.completed]
        self.suggestions = await run_db(recommendations.for_learner, actor)
        settings = get_settings()
        self.certificates = await run_db(certificates.for_learner, actor,
                                         public_base(settings, self.router.headers.origin), settings.site_name)
        self.loaded = True


S = DashboardState


def _learning_card(row: rx.Var[LearningView]) -> rx.Component:
    course = row["course"]
    return rx.card(
        rx.hstack(
            rx.box(thumbnail(course), width="120px", flex_shrink="0", class_name="lms-hide-narrow"),
            rx.vstack(
                rx.link(rx.heading(course["title"], size="4", as_="h3"), href="/courses/" + course["slug"],
                        color=rx.color("gray", 12)),
                rx.text(course["teacher_name"], size="2", color=rx.color("gray", 11)),
                rx.progress(value=row["percent"], max=100, width="100%",
                            aria_label="Progress in " + course["title"]),
                rx.hstack(
                    rx.text(row["percent"].to_string() + "% · " + row["done"].to_string() + " of "
                            + counted(row["total"], "lesson"), size="2", color=rx.color("gray", 11)),
                    rx.spacer(),
                    link_button(rx.cond(row["percent"] >= 100, "Review", "Continue"),
                                rx.icon("arrow-right", size=16), href=row["continue_href"], size="2",
                                aria_label=rx.cond(row["percent"] >= 100, "Review ", "Continue ") + course["title"]),
                    width="100%", align="center", wrap="wrap", spacing="2",
                ),
                spacing="2", width="100%", align="start", min_width="0",
            ),
            spacing="4", width="100%", align="center",
        ),
        width="100%",
    )


def _section(title: str, body: rx.Component) -> rx.Component:
    return rx.vstack(rx.heading(title, size="5", as_="h2"), body, spacing="3", width="100%", align="start")


def _later(icon: str, title: str, text: str) -> rx.Component:
    return rx.card(rx.hstack(rx.icon(icon, size=20, color=rx.color("accent", 11)),
                             rx.vstack(rx.text(title, weight="bold", size="2"),
                                       rx.text(text, size="2", color=rx.color("gray", 11)), spacing="1"),
                             spacing="3", align="start"), width="100%")


def _content() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.courses.length() > 0,
            rx.fragment(
                _section("In progress", rx.cond(
                    S.in_progress.length() > 0,
                    rx.vstack(rx.foreach(S.in_progress, _learning_card), spacing="3", width="100%"),
                    rx.text("Nothing in progress: every course you joined is complete. Well done!",
                            color=rx.color("gray", 11)))),
                rx.cond(S.completed.length() > 0,
                        _section("Completed", rx.vstack(rx.foreach(S.completed, _learning_card), spacing="3",
                                                        width="100%"))),
            ),
            empty_state("book-open", "You have not joined a course yet",
                        "Browse the featured courses and categories to find your first one. Free courses open "
                        "with one click.",
                        link_button("Explore courses", href="/courses")),
        ),
        rx.cond(S.certificates.length() > 0,
                _section("Certificates", rx.vstack(rx.foreach(S.certificates, certificate_card), spacing="3",
                                                    width="100%"))),
        # Sections other feature packages and plugins add (lms_dashboard_cards).
        *[card.component() for card in sorted(plugins.collected("lms_dashboard_cards"), key=lambda c: c.order)],
        rx.cond(S.suggestions.length() > 0,
                _section("Recommended for you", course_grid(S.suggestions))),
        _section("More", rx.grid(
            rx.cond(S.certificates.length() == 0, _later("award", "Certificates",
                                                       "Complete a course to earn its certificate; it will appear here.")),
            rx.card(rx.hstack(rx.icon("receipt", size=20, color=rx.color("accent", 11)),
                              rx.vstack(rx.text("Purchases", weight="bold", size="2"),
                                        rx.link("See your purchase history", href="/orders", size="2"), spacing="1"),
                              spacing="3", align="start"), width="100%"),
            columns=rx.breakpoints(initial="1", sm="3"), spacing="3", width="100%",
        )),
        spacing="6", width="100%", align="start",
    )


def page() -> rx.Component:
    return page_shell(
        page_heading(rx.cond(AuthState.user["name"] != "", "Hi, " + AuthState.user["name"], "My learning"),
                     "Pick up where you left off."),
        rx.cond(S.loaded, _content(), loading_block()),
        rx.cond(AuthState.user["role"] == "learner",
                rx.hstack(rx.icon("presentation", size=16, color=rx.color("gray", 11)),
                          rx.text("Want to teach on the platform?", size="2", color=rx.color("gray", 11)),
                          rx.link("Become a teacher", href="/become-teacher", size="2"),
                          spacing="2", align="center", margin_top="2rem", wrap="wrap")),
    )


ROUTE = "/dashboard"
TITLE = "My learning"
ON_LOAD = [AuthState.refresh, DashboardState.load]
