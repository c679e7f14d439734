"""Public course page at /courses/<slug>.

Published courses are shown to anyone; drafts, pending, rejected and archived courses only to
their teacher and admins (everyone else sees "not found"). Lesson rows carry id, title,
type, duration and the preview flag, never content. The page title and meta description
follow the course (``add_page`` accepts state vars for both).
"""

from __future__ import annotations

import reflex as rx

from lms_app.core import plugins

from lms_app.ui.layout import page_shell
from lms_app.ui.links import link_button
from lms_app.ui.wording import counted
from lms_app.core import lesson_types
from lms_app.core.db import run_db
from lms_app.catalog.views import CourseCtaView, CourseDetailView, LessonRowView, ModuleView
from lms_app.catalog.services import course_page
from lms_app.core.settings import get_settings
from lms_app.learning.pages.course_reviews import ReviewsState, reviews_section
from lms_app.core.auth_state import AuthState
from lms_app.learning.services import enrollment
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import LEARNER_AREA
from lms_app.core.guard import current_actor, guarded, public, resolve

SITE = get_settings().site_name
ROUTE_PREFIX = "/courses/"

EMPTY_COURSE = CourseDetailView(
    id=0, slug="", title="", subtitle="", description="", status="", level="", language="", category_name="",
    category_url="", teacher_name="", teacher_bio="", teacher_avatar_url="", teacher_initials="", rating_label="",
    rating_count=0, student_count=0, price_label="", is_free=False, outcomes=[], duration_label="", lesson_count=0,
    module_count=0, initials="", hue=0, thumbnail_url="", updated_label="", prices=[])
EMPTY_CTA = CourseCtaView(kind="", label="", href="", note="")
DEFAULT_TITLE = f"Course · {SITE}"
DEFAULT_DESCRIPTION = "Course details, curriculum and teacher."
LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German", "pt": "Portuguese",
                  "it": "Italian", "ja": "Japanese", "zh": "Chinese", "hi": "Hindi", "ar": "Arabic"}


def slug_from_path(path: str) -> str:
    if not isinstance(path, str) or not path.startswith(ROUTE_PREFIX):
        return ""
    return path[len(ROUTE_PREFIX):].strip("/").split("/")[0]


class CoursePageState(rx.State):
    course: CourseDetailView = EMPTY_COURSE
    modules: list[ModuleView] = []
    cta: CourseCtaView = EMPTY_CTA
    found: bool = False
    loaded: bool = False
    page_title: str = DEFAULT_TITLE
    meta_description: str = DEFAULT_DESCRIPTION

    @rx.event
    @public
    async def load(self):
        """The course named by the URL, if this viewer may see it (checked in the service)."""
        self.loaded = False
        slug = slug_from_path(self.router.url.path)
        found = await resolve(self)
        viewer = found[0] if found else None
        page = await run_db(course_page.course_page, slug, viewer) if slug else None
        if page is None:
            self.course, self.modules, self.cta, self.found = EMPTY_COURSE, [], EMPTY_CTA, False
            self.page_title, self.meta_description = f"Course not found · {SITE}", DEFAULT_DESCRIPTION
        else:
            self.course, self.modules, self.cta, description = page
            self.found = True
            self.page_title = f"{self.course['title']} · {SITE}"
            self.meta_description = description
        self.loaded = True

    @rx.event
    @guarded(LEARNER_AREA)
    async def enroll(self):
        """One click for a free course (the service refuses paid or hidden ones); the learner lands
        in the first lesson, ready to start."""
        slug = slug_from_path(self.router.url.path)
        try:
            href = await run_db(enrollment.enroll_free_and_start, current_actor(), slug)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        return [rx.toast.success("You are enrolled. Enjoy the course!"), rx.redirect(href)]

    @rx.var
    def language_name(self) -> str:
        return LANGUAGE_NAMES.get(self.course["language"], self.course["language"].upper())

    @rx.var
    def preview_count(self) -> int:
        return sum(1 for m in self.modules for lesson in m["lessons"] if lesson["is_preview"])


C = CoursePageState.course

def lesson_icon(lesson_type: rx.Var) -> rx.Component:
    """The lesson type's own icon (from the lesson-type registry)."""
    return rx.match(lesson_type, *[(t.key, rx.icon(t.icon, size=16)) for t in lesson_types.all_types()],
                    rx.icon("square-play", size=16))


def _meta(icon: str, *children) -> rx.Component:
    return rx.hstack(rx.icon(icon, size=15, color=rx.color("gray", 10)), rx.text(*children, size="2"),
                     align="center", spacing="1")


def hero() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.link("Courses", href="/courses", size="2", color=rx.color("gray", 11)),
            rx.cond(C["category_name"] != "", rx.fragment(
                rx.icon("chevron-right", size=14, color=rx.color("gray", 9)),
                rx.link(C["category_name"], href=C["category_url"], size="2", color=rx.color("gray", 11)))),
            align="center", spacing="1", as_="nav", aria_label="Breadcrumb",
        ),
        rx.cond(C["status"] != "published",
                rx.callout(rx.fragment("This course is ", rx.text.strong(C["status"]),
                                       ": only its teacher and admins can see this page."),
                           icon="eye-off", color_scheme="amber", size="1")),
        rx.heading(C["title"], size=rx.breakpoints(initial="7", md="8"), as_="h1", style={"lineHeight": "1.15"}),
        rx.cond(C["subtitle"] != "", rx.text(C["subtitle"], size="4", color=rx.color("gray", 11))),
        rx.flex(
            rx.hstack(rx.icon("star", size=15, color=rx.color("amber", 9), fill=rx.color("amber", 9)),
                      rx.text(C["rating_label"], size="2", weight="bold"),
                      rx.cond(C["rating_count"] > 0,
                              rx.text("(", C["rating_count"], rx.cond(C["rating_count"] == 1, " rating)", " ratings)"),
                                      size="2", color=rx.color("gray", 11))),
                      align="center", spacing="1"),
            _meta("users", C["student_count"], rx.cond(C["student_count"] == 1, " student", " students")),
            _meta("signal", C["level"].to(str).capitalize()),
            _meta("languages", CoursePageState.language_name),
            rx.cond(C["duration_label"] != "", _meta("clock", C["duration_label"])),
            _meta("list", counted(C["lesson_count"], "lesson")),
            wrap="wrap", align="center", style={"columnGap": "1.1rem", "rowGap": "0.4rem"},
        ),
        rx.hstack(
            rx.avatar(src=C["teacher_avatar_url"], fallback=C["teacher_initials"], size="2", radius="full"),
            rx.text("Created by ", rx.text.strong(C["teacher_name"]), size="2"),
            align="center", spacing="2",
        ),
        spacing="3", align="start", width="100%",
    )


def thumb() -> rx.Component:
    hue = C["hue"].to_string()
    return rx.cond(
        C["thumbnail_url"] != "",
        rx.image(src=C["thumbnail_url"], alt=C["title"], width="100%", aspect_ratio="16 / 9", object_fit="cover"),
        rx.center(rx.text(C["initials"], size="9", weight="bold", color="white"), width="100%",
                  aspect_ratio="16 / 9", aria_hidden="true",
                  background="linear-gradient(135deg, hsl(" + hue + " 65% 42%), hsl(" + hue + " 70% 28%))"),
    )


def cta_button() -> rx.Component:
    cta = CoursePageState.cta
    return rx.cond(
        cta["kind"] == "enroll",
        rx.button(rx.icon("circle-plus", size=16), cta["label"], size="3", width="100%",
                  on_click=CoursePageState.enroll),
        rx.cond(
        cta["href"] != "",
        link_button(cta["label"], rx.icon("arrow-right", size=16), href=cta["href"], size="3", width="100%"),
        rx.tooltip(rx.button(cta["label"], size="3", width="100%", disabled=True), content=cta["note"]),
        ),
    )


def other_prices(**props) -> rx.Component:
    """The other currencies the course is sold in (issue 20); the checkout lets the learner choose.
    The primary price comes first in ``prices``, so the others are entries 1, 2..."""
    return rx.cond(
        C["prices"].length() > 1,
        rx.text("Also in ",
                rx.foreach(C["prices"], lambda p, i: rx.cond(
                    i == 0, rx.fragment(), rx.el.span(rx.cond(i > 1, " · ", ""), p["label"]))),
                size="2", color=rx.color("gray", 11), **props),
    )


def buy_box() -> rx.Component:
    return rx.card(
        rx.inset(thumb(), side="top", pb="current"),
        rx.vstack(
            rx.text(C["price_label"], size="7", weight="bold",
                    color=rx.cond(C["is_free"], rx.color("green", 11), rx.color("gray", 12))),
            other_prices(id="other-prices"),
            cta_button(),
            rx.cond(CoursePageState.cta["note"] != "",
                    rx.text(rx.icon("info", size=13, display="inline", vertical_align="middle"), " ",
                            CoursePageState.cta["note"], size="1", color=rx.color("gray", 11))),
            rx.separator(size="4"),
            rx.text("This course includes", size="2", weight="bold"),
            rx.cond(C["duration_label"] != "", _meta("clock", C["duration_label"], " of lessons")),
            _meta("layers", counted(C["module_count"], "module"), " · ", counted(C["lesson_count"], "lesson")),
            rx.cond(CoursePageState.preview_count > 0,
                    _meta("eye", CoursePageState.preview_count,
                          rx.cond(CoursePageState.preview_count == 1, " free preview lesson", " free preview lessons"))),
            spacing="3", align="start", width="100%",
        ),
        width="100%",
    )


def mobile_cta() -> rx.Component:
    """Phones: price and call to action right under the title (the side box is desktop only)."""
    return rx.card(
        rx.vstack(
            rx.text(C["price_label"], size="6", weight="bold",
                    color=rx.cond(C["is_free"], rx.color("green", 11), rx.color("gray", 12))),
            other_prices(),
            cta_button(),
            rx.cond(CoursePageState.cta["note"] != "",
                    rx.text(CoursePageState.cta["note"], size="1", color=rx.color("gray", 11))),
            spacing="2", width="100%",
        ),
        width="100%", display=rx.breakpoints(initial="block", md="none"),
    )


def outcomes() -> rx.Component:
    return rx.cond(
        C["outcomes"].length() > 0,
        rx.card(
            rx.heading("What you will learn", size="5", as_="h2", margin_bottom="0.75rem"),
            rx.grid(
                rx.foreach(C["outcomes"], lambda o: rx.hstack(
                    rx.icon("check", size=16, color=rx.color("green", 10), flex_shrink="0", margin_top="2px"),
                    rx.text(o, size="2"), align="start", spacing="2")),
                columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%",
            ),
            width="100%",
        ),
    )


def lesson_row(lesson: rx.Var[LessonRowView]) -> rx.Component:
    return rx.hstack(
        rx.box(lesson_icon(lesson["lesson_type"]), color=rx.color("gray", 10), role="img",
               aria_label=lesson["lesson_type"] + " lesson", title=lesson["lesson_type"], flex_shrink="0",
               display="flex"),
        rx.cond(
            lesson["is_preview"],
            rx.link(lesson["title"], href=lesson["preview_url"], size="2", weight="medium"),
            rx.text(lesson["title"], size="2"),
        ),
        rx.spacer(),
        rx.cond(lesson["is_preview"], rx.badge("Preview", size="1", variant="soft", color_scheme="green")),
        rx.text(lesson["duration_label"], size="1", color=rx.color("gray", 11), white_space="nowrap"),
        align="center", spacing="3", width="100%", padding="0.6rem 1rem",
        border_top=f"1px solid {rx.color('gray', 4)}",
    )


def module_block(module: rx.Var[ModuleView]) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(module["title"], weight="bold", size="3"),
            rx.spacer(),
            rx.text(counted(module["lesson_count"], "lesson"),
                    rx.cond(module["duration_label"] != "", " · " + module["duration_label"], ""), size="1",
                    color=rx.color("gray", 11), white_space="nowrap"),
            align="center", width="100%", padding="0.75rem 1rem", background=rx.color("gray", 2),
        ),
        rx.foreach(module["lessons"], lesson_row),
        border=f"1px solid {rx.color('gray', 5)}", border_radius="10px", overflow="hidden", width="100%",
    )


def curriculum() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Curriculum", size="5", as_="h2"),
            rx.spacer(),
            rx.text(counted(C["module_count"], "module"), " · ", counted(C["lesson_count"], "lesson"),
                    rx.cond(C["duration_label"] != "", " · " + C["duration_label"], ""),
                    size="2", color=rx.color("gray", 11)),
            align="baseline", width="100%", wrap="wrap",
        ),
        rx.cond(CoursePageState.modules.length() > 0,
                rx.vstack(rx.foreach(CoursePageState.modules, module_block), spacing="3", width="100%"),
                rx.text("The teacher has not added lessons yet.", color=rx.color("gray", 11))),
        spacing="3", width="100%", align="start",
    )


def about() -> rx.Component:
    return rx.cond(
        C["description"] != "",
        rx.vstack(
            rx.heading("About this course", size="5", as_="h2"),
            # User-written Markdown: raw HTML is not rendered (use_raw=False).
            rx.box(rx.markdown(C["description"], use_raw=False), width="100%"),
            spacing="2", width="100%", align="start",
        ),
    )


def teacher() -> rx.Component:
    return rx.vstack(
        rx.heading("Your teacher", size="5", as_="h2"),
        rx.hstack(
            rx.avatar(src=C["teacher_avatar_url"], fallback=C["teacher_initials"], size="5", radius="full"),
            rx.vstack(
                rx.text(C["teacher_name"], weight="bold", size="4"),
                rx.cond(C["teacher_bio"] != "",
                        rx.text(C["teacher_bio"], size="2", color=rx.color("gray", 11), white_space="pre-line"),
                        rx.text("This teacher has not written a bio yet.", size="2", color=rx.color("gray", 10))),
                spacing="1", align="start",
            ),
            spacing="4", align="start",
        ),
        spacing="3", width="100%", align="start",
    )


def not_found() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.center(rx.icon("search-x", size=28, color=rx.color("accent", 11)), background=rx.color("accent", 3),
                      border_radius="full", width="56px", height="56px"),
            rx.heading("We could not find that course", size="6", as_="h1"),
            rx.text("It may have been renamed, unpublished, or the link is mistyped.", color=rx.color("gray", 11),
                    text_align="center"),
            rx.hstack(link_button(rx.icon("search", size=16), "Browse the catalog", href="/courses"),
                      link_button("Home", href="/", variant="soft"), spacing="3"),
            align="center", spacing="3", padding_y="4rem",
        ),
        width="100%",
    )


def loading() -> rx.Component:
    return rx.vstack(rx.skeleton(rx.box(height="40px", width="60%")), rx.skeleton(rx.box(height="20px", width="40%")),
                     rx.skeleton(rx.box(height="300px", width="100%")), spacing="4", width="100%", aria_busy="true")


def page() -> rx.Component:
    return page_shell(
        rx.cond(
            CoursePageState.loaded,
            rx.cond(
                CoursePageState.found,
                rx.flex(
                    rx.vstack(hero(), mobile_cta(), outcomes(), curriculum(), about(), teacher(), reviews_section(),
                              # what other features add (lms_course_page_sections): announcements...
                              *[section.component() for section in sorted(
                                  plugins.collected("lms_course_page_sections"), key=lambda s: s.order)],
                              spacing="6", flex="1", min_width="0", width="100%"),
                    rx.box(buy_box(), width="340px", flex_shrink="0", position="sticky", top="80px",
                           display=rx.breakpoints(initial="none", md="block")),
                    gap="2rem", align="start", width="100%",
                ),
                not_found(),
            ),
            loading(),
        ),
    )


ROUTE = "/courses/[course_slug]"
TITLE = CoursePageState.page_title
DESCRIPTION = CoursePageState.meta_description
ON_LOAD = [AuthState.refresh, CoursePageState.load, ReviewsState.load]
