"""Small pieces of the authoring and review pages: status badges, lesson-type icons, Markdown."""

from __future__ import annotations

import reflex as rx

from lms_app.core import lesson_types

STATUS_LABELS = {"draft": "Draft", "pending": "In review", "published": "Published", "rejected": "Changes requested",
                 "archived": "Archived"}
STATUS_COLORS = {"draft": "gray", "pending": "amber", "published": "green", "rejected": "red", "archived": "gray"}


def status_badge(status: rx.Var, size: str = "2") -> rx.Component:
    return rx.badge(
        rx.match(status, *[(k, v) for k, v in STATUS_LABELS.items()], status),
        color_scheme=rx.match(status, *[(k, v) for k, v in STATUS_COLORS.items()], "gray"),
        variant=rx.match(status, ("archived", "outline"), "soft"),
        size=size, radius="full",
    )


def type_icon(icon: rx.Var, size: int = 16, **props) -> rx.Component:
    """Icons from the registry's fixed set (rx.match), so the bundle does not carry every icon."""
    icons = sorted({t.icon for t in lesson_types.all_types()})
    return rx.match(icon, *[(name, rx.icon(name, size=size, **props)) for name in icons],
                    rx.icon("file", size=size, **props))


def safe_markdown(text: rx.Var | str, **props) -> rx.Component:
    """User Markdown without raw HTML (the text was also neutralised when it was saved)."""
    return rx.box(rx.markdown(text, use_raw=False), class_name="lms-prose", width="100%", **props)


def _tight_paragraph(value, **props) -> rx.Component:
    return rx.text(value, margin="0", **props)


def compact_markdown(text: rx.Var | str, **props) -> rx.Component:
    """Short user Markdown (quiz prompts, options, explanations): rendered like ``safe_markdown``
    (no raw HTML), with tight paragraphs so it sits inside a radio label, a checkbox or a callout."""
    return rx.box(rx.markdown(text, use_raw=False, component_map={"p": _tight_paragraph}),
                  class_name="lms-prose lms-compact-md", style={"& p + p, & p + ul, & ul + p": {"marginTop": "0.5em"}},
                  **props)


def course_status_text(status: rx.Var) -> rx.Var:
    """A course's status as the badges word it ("In review", "Changes requested"), in sentence case."""
    from lms_app.ui.wording import status_text

    return rx.match(status, *[(k, v) for k, v in STATUS_LABELS.items()], status_text(status))
