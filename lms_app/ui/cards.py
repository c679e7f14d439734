"""Course cards and category tiles."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.status import course_status_text

from lms_app.core.views import CategoryView, CourseCardView

# A link whose ::after covers the nearest positioned ancestor (the card): the whole card is
# clickable, with one link in the accessibility tree. The focus ring is drawn around the card
# itself (assets/styles.css, `.rt-Card:has(a:focus-visible)`): the card clips its children.
_STRETCHED = {"&::after": {"content": "''", "position": "absolute", "inset": "0", "borderRadius": "inherit"},
              "&:focus-visible": {"outline": "none"}}
# The title always takes two lines, so cards (and their skeletons) have one height before and
# after the data arrives: no layout shift when the catalog fills in.
_TITLE_STYLE = {"lineHeight": "1.3", "minHeight": "2.6em"}

CATEGORY_ICONS = ["code", "globe", "chart-line", "palette", "briefcase", "server", "smartphone", "shield-check"]


def category_icon(name: rx.Var, size: int = 20) -> rx.Component:
    """Icons from a fixed set (rx.match), so the bundle does not carry every Lucide icon."""
    return rx.match(name, *[(icon, rx.icon(icon, size=size)) for icon in CATEGORY_ICONS],
                    rx.icon("book-open", size=size))


def thumbnail(course: rx.Var[CourseCardView]) -> rx.Component:
    """16:9 picture: the uploaded thumbnail, or initials on the category's colour."""
    hue = course["hue"].to_string()
    return rx.cond(
        course["thumbnail_url"] != "",
        rx.image(src=course["thumbnail_url"], alt=course["title"], width="100%", aspect_ratio="16 / 9",
                 object_fit="cover"),
        rx.center(
            rx.text(course["initials"], size="8", weight="bold", color="white", style={"letterSpacing": "0.05em"}),
            width="100%", aspect_ratio="16 / 9", aria_hidden="true",
            background="linear-gradient(135deg, hsl(" + hue + " 65% 42%), hsl(" + hue + " 70% 28%))",
        ),
    )


def rating(course: rx.Var[CourseCardView]) -> rx.Component:
    return rx.hstack(
        rx.icon("star", size=14, color=rx.color("amber", 9), fill=rx.color("amber", 9)),
        rx.text(course["rating_label"], size="1", weight="medium"),
        rx.cond(course["rating_count"] > 0, rx.text("(", course["rating_count"], ")", size="1",
                                                    color=rx.color("gray", 10))),
        rx.text("·", size="1", color=rx.color("gray", 9)),
        rx.icon("users", size=14, color=rx.color("gray", 10)),
        rx.text(course["student_count"], size="1", color=rx.color("gray", 11)),
        align="center", spacing="1",
    )


def course_card(course: rx.Var[CourseCardView], show_status: bool = False) -> rx.Component:
    return rx.card(
        rx.inset(thumbnail(course), side="top", pb="current"),
        rx.vstack(
            rx.hstack(
                rx.badge(course["category_name"], variant="soft", size="1"),
                rx.badge(course["level"], variant="outline", color_scheme="gray", size="1"),
                rx.cond(show_status, rx.badge(course_status_text(course["status"]), color_scheme=rx.match(
                    course["status"], ("published", "green"), ("pending", "amber"), ("rejected", "red"), "gray"),
                    size="1")),
                spacing="1", wrap="wrap",
            ),
            rx.heading(
                # One link per card; its ::after covers the card, so the whole card is clickable
                # while screen readers and keyboards meet a single, well-named link.
                rx.link(course["title"], href="/courses/" + course["slug"].to(str), color=rx.color("gray", 12),
                        underline="none", style=_STRETCHED),
                size="3", as_="h3", style=_TITLE_STYLE,
            ),
            rx.text(course["teacher_name"], size="1", color=rx.color("gray", 11)),
            rx.hstack(rating(course), rx.spacer(),
                      rx.text(course["price_label"], weight="bold", size="3",
                              color=rx.cond(course["is_free"], rx.color("green", 11), rx.color("gray", 12))),
                      align="center", width="100%"),
            spacing="2", align="start", width="100%",
        ),
        width="100%", height="100%", position="relative",
        _hover={"boxShadow": f"0 0 0 1px {rx.color('accent', 8)}"},
    )


GRID_COLUMNS = rx.breakpoints(initial="1", xs="2", md="3", lg="4")


def course_grid(courses: rx.Var[list[CourseCardView]], show_status: bool = False) -> rx.Component:
    return rx.grid(
        rx.foreach(courses, lambda c: course_card(c, show_status)),
        columns=GRID_COLUMNS, spacing="4", width="100%",
    )


def course_card_skeleton() -> rx.Component:
    """A card-shaped placeholder with the real card's boxes (16:9 picture, badges, two-line title,
    teacher, rating and price), so the grid does not move when the courses arrive."""
    line = lambda height, width="100%": rx.skeleton(rx.box(height=height, width=width))  # noqa: E731
    return rx.card(
        rx.inset(rx.skeleton(rx.box(width="100%", aspect_ratio="16 / 9")), side="top", pb="current"),
        rx.vstack(
            line("20px", "60%"),
            rx.box(line("1em"), line("1em", "70%"), font_size="var(--font-size-3)", style=_TITLE_STYLE,
                   display="flex", flex_direction="column", gap="0.3em", width="100%"),
            line("16px", "40%"),
            line("24px"),
            spacing="2", align="start", width="100%",
        ),
        width="100%", height="100%", aria_hidden="true",
    )


def course_grid_skeleton(count: int) -> rx.Component:
    return rx.grid(*[course_card_skeleton() for _ in range(count)], columns=GRID_COLUMNS, spacing="4",
                   width="100%", aria_busy="true", aria_label="Loading courses")


def category_tile(category: rx.Var[CategoryView]) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.center(category_icon(category["icon"]), background=rx.color("accent", 3), color=rx.color("accent", 11),
                      border_radius="10px", width="44px", height="44px", flex_shrink="0"),
            rx.vstack(
                rx.link(category["name"], href="/courses?category=" + category["slug"].to(str), weight="bold",
                        size="3", color=rx.color("gray", 12), underline="none", style=_STRETCHED),
                rx.text(category["course_count"], rx.cond(category["course_count"] == 1, " course", " courses"),
                        size="1", color=rx.color("gray", 11)),
                spacing="0",
            ),
            align="center", spacing="3",
        ),
        width="100%", position="relative",
        _hover={"boxShadow": f"0 0 0 1px {rx.color('accent', 8)}"},
    )
