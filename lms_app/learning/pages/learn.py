"""The course player (/learn/<course>/<lesson>): sidebar with progress, lesson by type, completion.

The page's data is empty until ``LearnState.load`` (learn_state.py) has checked, on the server,
who is asking (course_access.lesson_page). Enrolled learners get progress: completion ticks, the
course percentage, sequential locks, the saved video position and time spent.
"""

from __future__ import annotations

import reflex as rx

from lms_app.ui.layout import empty_state, loading_block, page_shell
from lms_app.ui.links import link_button
from lms_app.ui.status import safe_markdown, type_icon
from lms_app.core import lesson_types, plugins
from lms_app.core.auth_state import AuthState
from lms_app.learning.pages.learn_state import LearnState

__all__ = ["LearnState", "page", "ROUTE", "TITLE", "ON_LOAD"]

L = LearnState


def video_panel() -> rx.Component:
    """The video lesson type's player: an uploaded/linked file or a YouTube/Vimeo embed."""
    c = L.content
    # data-lesson-id marks the player for assets/player_hooks.js, which saves the position on leave.
    return rx.cond(
        c["embed_url"] != "",
        rx.box(
            rx.el.iframe(src=L.embed_src, title=c["title"], width="100%",
                         style={"aspectRatio": "16 / 9", "border": "0", "borderRadius": "12px"},
                         allow="fullscreen; picture-in-picture; encrypted-media", referrer_policy="strict-origin"),
            # The embed reports its time to the hooks; every 5 s the state saves it like a file video's.
            rx.cond(L.tracking, rx.moment(interval=5000, on_change=LearnState.poll_position, display="none")),
            width="100%", custom_attrs={"data-lesson-id": c["id"].to_string()},
        ),
        rx.cond(
            L.video_src != "",
            rx.box(
                rx.video(src=L.video_src, controls=True, width="100%", height="auto", id="lesson-video",
                         on_time_update=LearnState.poll_position.throttle(5000),
                         on_seeked=LearnState.poll_position, on_pause=LearnState.poll_position,
                         on_ended=LearnState.poll_position),
                width="100%", style={"aspectRatio": "16 / 9"}, border_radius="12px", overflow="hidden",
                background="black", custom_attrs={"data-lesson-id": c["id"].to_string()},
            ),
            rx.callout("The video for this lesson is not available yet.", icon="video-off", width="100%"),
        ),
    )


def pdf_panel() -> rx.Component:
    """The PDF lesson type's player: the file inline, and a download link."""
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


def _completion() -> rx.Component:
    """Mark complete (text, PDF, video by hand); videos also complete at 90 % watched.

    Graded lessons (quiz, assignment) complete by passing: their panel shows the outcome.
    """
    return rx.cond(
        L.tracking & ~L.content["graded"],
        rx.cond(
            L.completed,
            rx.hstack(rx.badge(rx.icon("circle-check", size=14), "Completed", color_scheme="green", size="2"),
                      rx.button("Mark as not complete", variant="ghost", size="1", on_click=LearnState.mark_incomplete),
                      align="center", spacing="3"),
            rx.hstack(
                rx.cond(~(L.content["tracks_video"] & L.video_by_watching),
                        rx.button(rx.icon("check", size=16), "Mark complete", on_click=LearnState.mark_complete,
                                  id="mark-complete")),
                rx.cond(L.content["tracks_video"],
                        rx.text(L.video_note, size="1", color=rx.color("gray", 11), id="completion-note"),
                        rx.cond(L.reading_note != "",
                                rx.text(L.reading_note, size="1", color=rx.color("gray", 11),
                                        id="completion-note"))),
                align="center", spacing="3", wrap="wrap",
            ),
        ),
    )


def _lesson_body() -> rx.Component:
    c = L.content
    return rx.vstack(
        rx.text(L.course_title, " · ", c["module_title"], size="2", color=rx.color("gray", 11)),
        rx.hstack(rx.heading(c["title"], size="7", as_="h1"),
                  rx.cond(c["is_preview"], rx.badge("Free preview", color_scheme="green", variant="soft")),
                  align="center", spacing="3", wrap="wrap"),
        # Each lesson type's own player panel (registered by its plugin through lms_lesson_types).
        rx.match(c["lesson_type"], *[(t.key, t.player()) for t in lesson_types.all_types() if t.player],
                 rx.fragment()),
        # Quizzes and assignments show their instructions (the body) inside their own panel, on top.
        rx.cond((c["body"] != "") & c["shows_body"], safe_markdown(c["body"])),
        rx.cond((c["body"] == "") & ~c["has_panel"],
                rx.text("This lesson has no text yet.", color=rx.color("gray", 11))),
        _completion(),
        # Widgets other plugins add under every lesson (lms_lesson_widgets).
        *[widget.component() for widget in sorted(plugins.collected("lms_lesson_widgets"), key=lambda w: w.order)],
        rx.hstack(
            rx.cond(L.prev_href != "", link_button(rx.icon("arrow-left", size=16), "Previous", href=L.prev_href,
                                                   variant="soft")),
            rx.spacer(),
            rx.cond(L.next_href != "", link_button("Next", rx.icon("arrow-right", size=16), href=L.next_href)),
            width="100%", margin_top="1rem",
        ),
        spacing="4", width="100%", align="start", min_width="0",
    )


def _row_done(i) -> rx.Var:
    return L.done_mask[i] == "1"


def _row_locked(i) -> rx.Var:
    return (L.open_until >= 0) & (i > L.open_until)


def _row_icon(row, i) -> rx.Component:
    return rx.cond(_row_done(i), rx.icon("circle-check", size=14, color=rx.color("green", 10), aria_label="Completed"),
                   rx.cond(_row_locked(i), rx.icon("lock", size=14, color=rx.color("gray", 9), aria_label="Locked"),
                           type_icon(row["icon"], size=14)))


def _progress_summary() -> rx.Component:
    return rx.cond(
        L.tracking,
        rx.vstack(
            rx.hstack(rx.text("Course progress", size="2", weight="medium"), rx.spacer(),
                      rx.text(L.percent.to_string() + "%", size="2", weight="bold", id="course-progress"),
                      width="100%"),
            rx.progress(value=L.percent, max=100, width="100%", aria_label="Course progress"),
            rx.text(L.done_count.to_string() + " of " + L.total_count.to_string() + " lessons complete", size="1",
                    color=rx.color("gray", 11)),
            spacing="2", width="100%",
        ),
    )


def _outline() -> rx.Component:
    return rx.vstack(
        _progress_summary(),
        rx.foreach(L.outline, lambda row, i: rx.fragment(
            rx.cond(row["module_start"], rx.text(row["module_title"], weight="bold", size="2", margin_top="0.5rem")),
            rx.link(
                rx.hstack(_row_icon(row, i), rx.text(row["title"], size="2", trim="both"), align="center", spacing="2"),
                href="/learn/" + L.course_slug + "/" + row["id"].to_string() + rx.cond(L.as_learner, "?as=learner", ""),
                weight=rx.cond(row["current"], "bold", "regular"),
                color=rx.cond(row["current"], rx.color("accent", 11), rx.color("gray", rx.cond(_row_locked(i), 11, 12))),
                aria_current=rx.cond(row["current"], "page", "false"),
                background=rx.cond(row["current"], rx.color("accent", 3), "transparent"),
                # A target of at least 24 px (WCAG 2.5.8): the row, not the 14 px line of text.
                display="flex", align_items="center", min_height="32px",
                padding_x="0.4rem", border_radius="6px", width="100%",
            ),
        )),
        spacing="2", width="100%", align="start", class_name=rx.cond(L.sidebar_open, "", "lms-hide-narrow"),
        padding="1rem", border=f"1px solid {rx.color('gray', 4)}", border_radius="12px", id="course-sidebar",
    )


def _sidebar_toggle() -> rx.Component:
    return rx.button(rx.icon("list", size=16), rx.cond(L.sidebar_open, "Hide lessons", "Lessons"),
                     rx.cond(L.tracking, " · " + L.percent.to_string() + "%", ""), variant="soft",
                     on_click=LearnState.toggle_sidebar, class_name="lms-only-narrow", aria_controls="course-sidebar",
                     aria_expanded=L.sidebar_open, margin_bottom="0.75rem")


def _locked() -> rx.Component:
    return rx.cond(
        L.sequential_locked,
        empty_state("lock", "“" + L.locked_title + "” opens after the previous lessons",
                    "This course is taken in order: complete the lessons before it first.",
                    link_button("Go to the course page", href="/courses/" + L.course_slug, variant="soft")),
        empty_state(
            "lock", "“" + L.locked_title + "” is for enrolled learners",
            rx.cond(L.signed_in, "Enroll in the course to open it.", "Sign in, then enroll in the course to open it."),
            rx.hstack(
                rx.cond(~L.signed_in, link_button("Sign in", href=L.sign_in_href)),
                link_button("Go to the course page", href="/courses/" + L.course_slug, variant="soft"),
                spacing="3",
            ),
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


def _player(main: rx.Component) -> rx.Component:
    return rx.box(
        _sidebar_toggle(),
        rx.grid(main, _outline(), columns=rx.breakpoints(initial="1", md="3fr 1fr"), spacing="6",
                width="100%", align_items="start"),
        # Time spent: every 30 s the handler asks the browser whether the tab is visible.
        rx.cond(L.tracking, rx.moment(interval=30000, on_change=LearnState.beat, display="none")),
        rx.script(src="/player_hooks.js"),
        width="100%",
    )


def page() -> rx.Component:
    return page_shell(
        _learner_banner(),
        rx.match(
            L.view,
            ("ok", _player(_lesson_body())),
            ("locked", _player(_locked())),
            ("missing", empty_state("search-x", "Lesson not found", "It may have been moved or removed.",
                                    link_button("Browse courses", href="/courses"))),
            loading_block(),
        ),
    )


ROUTE = "/learn/[course]/[lesson]"
TITLE = "Lesson"
ON_LOAD = [AuthState.refresh, LearnState.load]
