"""Home page: hero, featured courses and categories, all from the database (two queries)."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.cards import category_tile, course_grid
from lms_app.ui.layout import empty_state, page_shell
from lms_app.ui.links import link_button
from lms_app.core.db import run_db
from lms_app.core.views import CategoryView, CourseCardView
from lms_app.catalog.services import queries as catalog
from lms_app.core.settings import get_settings
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import public


class HomeState(rx.State):
    featured: list[CourseCardView] = []
    categories: list[CategoryView] = []
    loaded: bool = False

    @rx.event
    @public
    async def load(self):
        """Published courses and categories only: public data by definition."""
        self.featured, self.categories = await run_db(catalog.home_page)
        self.loaded = True


def hero() -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.badge(rx.icon("sparkles", size=14), "Certificates anyone can verify", variant="soft", size="2",
                     radius="full"),
            rx.heading("Learn the skills you want, from people who use them", size=rx.breakpoints(initial="7", md="9"),
                       as_="h1", style={"lineHeight": "1.1", "maxWidth": "760px"}),
            rx.text("Video, reading and hands-on lessons, progress that never gets lost, and teachers who can "
                    "publish a course in an afternoon.", size="4", color=rx.color("gray", 11), max_width="620px"),
            rx.hstack(
                rx.cond(AuthState.signed_in,
                        link_button("Continue learning", rx.icon("arrow-right", size=16), href="/dashboard", size="3"),
                        link_button("Start learning free", rx.icon("arrow-right", size=16), href="/register", size="3")),
                link_button("Browse courses", href="/courses", size="3", variant="soft"),
                spacing="3", wrap="wrap",
            ),
            spacing="5", align="start",
        ),
        padding=rx.breakpoints(initial="2rem 1.5rem", md="4rem 3rem"), border_radius="20px", margin_bottom="3rem",
        background=f"radial-gradient(circle at 85% 15%, {rx.color('accent', 5)}, transparent 45%), "
                   f"linear-gradient(160deg, {rx.color('accent', 3)}, {rx.color('gray', 2)})",
        border=f"1px solid {rx.color('accent', 5)}",
    )


def section(title: str, subtitle: str, body: rx.Component, anchor: str = "") -> rx.Component:
    return rx.box(
        rx.vstack(rx.heading(title, size="6", as_="h2"), rx.text(subtitle, color=rx.color("gray", 11)), spacing="1",
                  margin_bottom="1.25rem"),
        body, id=anchor or None, margin_bottom="3rem", scroll_margin_top="80px",
    )


def page() -> rx.Component:
    return page_shell(
        hero(),
        section("Featured courses", "What learners are enrolling in right now.",
                rx.cond(HomeState.loaded,
                        rx.cond(HomeState.featured.length() > 0, course_grid(HomeState.featured),
                                empty_state("book-open", "No courses yet",
                                            "Published courses appear here. Teachers can create one from their dashboard.")),
                        rx.grid(*[rx.skeleton(rx.box(height="260px")) for _ in range(4)],
                                columns=rx.breakpoints(initial="1", xs="2", md="3", lg="4"), spacing="4"))),
        section("Browse by category", "Find your next skill.",
                rx.grid(rx.foreach(HomeState.categories, category_tile),
                        columns=rx.breakpoints(initial="1", xs="2", md="4"), spacing="3", width="100%"),
                anchor="categories"),
    )


ROUTE = "/"
TITLE = f"{get_settings().site_name} · learn, teach, get certified"
ON_LOAD = [AuthState.refresh, HomeState.load]
