"""A basic lesson viewer (/learn/<course>/<lesson>); the learning-experience issue extends it.

The page's data is empty until ``load`` has checked, on the server, who is asking
(course_access.lesson_page): preview lessons of published courses open for anyone, everything
else only for the teacher, admins and enrolled learners. Others get a "sign in / enroll" state
with the lesson's title only; the content never reaches their browser.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

import reflex as rx

from lms_app.components.layout import empty_state, loading_block, page_shell
from lms_app.components.links import link_button
from lms_app.components.status import safe_markdown, type_icon
from lms_app.db import run_db
from lms_app.models.authoring_views import LessonContentView, OutlineRow
from lms_app.services import course_access
from lms_app.state.auth import AuthState
from lms_app.state.guard import public, resolve


def _blank_lesson() -> LessonContentView:
    return LessonContentView(id=0, title="", lesson_type="", type_label="", body="", video_url="", embed_url="",
                             file_url="", file_name="", file_size_label="", is_preview=False, module_title="",
                             duration_label="")


class LearnState(rx.State):
    view: str = "loading"  # loading | ok | locked | missing
    course_title: str = ""
    course_slug: str = ""
    content: LessonContentView = _blank_lesson()
    outline: list[OutlineRow] = []
    locked_title: str = ""
    signed_in: bool = False
    as_learner: bool = False
    # Where "Sign in" on a locked lesson leads: back to this lesson afterwards.
    sign_in_href: str = "/login"

    @rx.event
    @public
    async def load(self):
        """Public by design: preview lessons open signed out. The access check is server-side."""
        self.view, self.content, self.outline, self.locked_title = "loading", _blank_lesson(), [], ""
        # /learn/<course>/<lesson>: read from the URL (RouterData.page is deprecated since 0.8.1).
        parts = self.router.url.path.strip("/").split("/")
        course_ref, lesson_ref = (parts[1], parts[2]) if len(parts) == 3 and parts[0] == "learn" else ("", "")
        found = await resolve(self)
        actor = found[0] if found else None
        self.signed_in = actor is not None
        self.sign_in_href = "/login?next=" + quote(self.router.url.path, safe="")
        self.as_learner = self.router.url.query_parameters.get("as") == "learner"
        result = await run_db(course_access.lesson_page, actor, unquote(course_ref), lesson_ref, self.as_learner)
        self.course_title, self.course_slug = result.course_title, result.course_slug
        if result.state == "ok":
            self.content, self.outline = result.lesson, result.outline
        elif result.state == "locked":
            self.locked_title, self.outline = result.locked_title, result.outline or []
        self.view = result.state

    @rx.var
    def prev_href(self) -> str:
        ids = [row["id"] for row in self.outline]
        if self.content["id"] in ids and (i := ids.index(self.content["id"])) > 0:
            return f"/learn/{self.course_slug}/{ids[i - 1]}" + ("?as=learner" if self.as_learner else "")
        return ""

    @rx.var
    def next_href(self) -> str:
        ids = [row["id"] for row in self.outline]
        if self.content["id"] in ids and (i := ids.index(self.content["id"])) < len(ids) - 1:
            return f"/learn/{self.course_slug}/{ids[i + 1]}" + ("?as=learner" if self.as_learner else "")
        return ""


L = LearnState


def _video() -> rx.Component:
    c = L.content
    return rx.cond(
        c["embed_url"] != "",
        rx.el.iframe(src=c["embed_url"], title=c["title"], width="100%",
                     style={"aspectRatio": "16 / 9", "border": "0", "borderRadius": "12px"},
                     allow="fullscreen; picture-in-picture; encrypted-media", referrer_policy="strict-origin"),
        rx.cond(
            c["file_url"] != "",
            rx.video(src=c["file_url"], controls=True, width="100%", height="auto"),
            rx.cond(c["video_url"] != "",
                    rx.video(src=c["video_url"], controls=True, width="100%", height="auto"),
                    rx.callout("The video for this lesson is not available yet.", icon="video-off", width="100%")),
        ),
    )


def _pdf() -> rx.Component:
    c = L.content
    return rx.cond(
        c["file_url"] != "",
        rx.vstack(
            rx.el.iframe(src=c["file_url"], title=c["title"], width="100%",
                         style={"height": "75vh", "border": f"1px solid {rx.color('gray', 5)}", "borderRadius": "8px"}),
            rx.link(rx.hstack(rx.icon("download", size=16), rx.text("Download ", c["file_name"], " (",
                                                                     c["file_size_label"], ")"),
                              align="center", spacing="1"), href=c["file_url"], is_external=True),
            spacing="2", width="100%",
        ),
        rx.callout("The PDF for this lesson is not available yet.", icon="file-x", width="100%"),
    )


def _lesson_body() -> rx.Component:
    c = L.content
    return rx.vstack(
        rx.text(L.course_title, " · ", c["module_title"], size="2", color=rx.color("gray", 11)),
        rx.hstack(rx.heading(c["title"], size="7", as_="h1"),
                  rx.cond(c["is_preview"], rx.badge("Free preview", color_scheme="green", variant="soft")),
                  align="center", spacing="3", wrap="wrap"),
        rx.match(c["lesson_type"], ("video", _video()), ("pdf", _pdf()), rx.fragment()),
        rx.cond(c["body"] != "", safe_markdown(c["body"])),
        rx.cond((c["lesson_type"] == "text") & (c["body"] == ""),
                rx.text("This lesson has no text yet.", color=rx.color("gray", 11))),
        rx.hstack(
            rx.cond(L.prev_href != "", link_button(rx.icon("arrow-left", size=16), "Previous", href=L.prev_href,
                                                   variant="soft")),
            rx.spacer(),
            rx.cond(L.next_href != "", link_button("Next", rx.icon("arrow-right", size=16), href=L.next_href)),
            width="100%", margin_top="1rem",
        ),
        spacing="4", width="100%", align="start", min_width="0",
    )


def _outline() -> rx.Component:
    return rx.vstack(
        rx.text("Lessons", weight="bold", size="2"),
        rx.foreach(L.outline, lambda row: rx.link(
            rx.hstack(type_icon(row["icon"], size=14), rx.text(row["title"], size="2", trim="both"),
                      align="center", spacing="2"),
            href="/learn/" + L.course_slug + "/" + row["id"].to_string() + rx.cond(L.as_learner, "?as=learner", ""),
            weight=rx.cond(row["current"], "bold", "regular"),
            color=rx.cond(row["current"], rx.color("accent", 11), rx.color("gray", 12)),
            aria_current=rx.cond(row["current"], "page", "false"),
        )),
        spacing="2", width="100%", align="start", class_name="lms-hide-narrow",
        padding="1rem", border=f"1px solid {rx.color('gray', 4)}", border_radius="12px",
    )


def _locked() -> rx.Component:
    return empty_state(
        "lock", "“" + L.locked_title + "” is for enrolled learners",
        rx.cond(L.signed_in, "Enroll in the course to open it.", "Sign in, then enroll in the course to open it."),
        rx.hstack(
            rx.cond(~L.signed_in, link_button("Sign in", href=L.sign_in_href)),
            link_button("Go to the course page", href="/courses/" + L.course_slug, variant="soft"),
            spacing="3",
        ),
    )


def _learner_banner() -> rx.Component:
    return rx.cond(
        L.as_learner,
        rx.callout(
            rx.hstack(rx.text("Previewing as a learner who has not enrolled: only free-preview lessons open."),
                      rx.link("Back to the editor", href="/teach"), spacing="3", wrap="wrap"),
            icon="eye", width="100%", margin_bottom="1rem",
        ),
    )


def page() -> rx.Component:
    return page_shell(
        _learner_banner(),
        rx.match(
            L.view,
            ("ok", rx.grid(_lesson_body(), _outline(), columns=rx.breakpoints(initial="1", md="3fr 1fr"), spacing="6",
                           width="100%", align_items="start")),
            ("locked", rx.grid(_locked(), _outline(), columns=rx.breakpoints(initial="1", md="3fr 1fr"), spacing="6",
                               width="100%", align_items="start")),
            ("missing", empty_state("search-x", "Lesson not found", "It may have been moved or removed.",
                                    link_button("Browse courses", href="/courses"))),
            loading_block(),
        ),
    )


ROUTE = "/learn/[course]/[lesson]"
TITLE = "Lesson"
ON_LOAD = [AuthState.refresh, LearnState.load]
