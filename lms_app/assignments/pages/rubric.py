"""Rubric pieces shared by peer review (player) and teacher grading: scoring inputs, score table."""

from __future__ import annotations

import reflex as rx


def _level(level) -> rx.Component:
    return rx.el.label(
        rx.hstack(rx.radio_group.item(value=level["index"]),
                  rx.text(level["label"], size="2"),
                  rx.badge(level["points"], " pts", variant="soft", color_scheme="gray", size="1"),
                  align="center", spacing="2"),
        style={"cursor": "pointer"},
    )


def scoring_inputs(criteria: rx.Var) -> rx.Component:
    """One radio group per criterion, named ``c<criterion id>``, value = level index."""
    return rx.vstack(
        rx.foreach(criteria, lambda c: rx.box(
            rx.text(c["title"], weight="medium", size="2"),
            rx.cond(c["description"] != "", rx.text(c["description"], size="1", color=rx.color("gray", 11))),
            rx.radio_group.root(
                rx.flex(rx.foreach(c["levels"], _level), direction="row", wrap="wrap", spacing="4"),
                name="c" + c["id"].to(str), required=True, aria_label=c["title"], margin_top="0.35rem",
            ),
            width="100%", padding="0.75rem", border=f"1px solid {rx.color('gray', 5)}", border_radius="8px",
        )),
        spacing="2", width="100%",
    )


def feedback_input(label: str = "Feedback") -> rx.Component:
    return rx.vstack(
        rx.el.label(label, style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
        rx.text_area(name="feedback", placeholder="What works well, and what would make it better?", rows="4",
                     width="100%", required=True, aria_label=label, max_length=5000),
        spacing="1", width="100%",
    )


def scores_from_form(form: object) -> dict[str, str]:
    """{"c12": "0", ...} from a submitted form → {"12": "0"} (validated by the service)."""
    if not isinstance(form, dict):
        return {}
    return {k[1:]: v for k, v in form.items() if isinstance(k, str) and k.startswith("c") and k[1:].isdigit()}


def rubric_summary(criteria: rx.Var) -> rx.Component:
    """Read-only rubric: criteria and their levels."""
    return rx.vstack(
        rx.foreach(criteria, lambda c: rx.hstack(
            rx.vstack(rx.text(c["title"], weight="medium", size="2"),
                      rx.text(c["levels_label"], size="1", color=rx.color("gray", 11)),
                      spacing="0", align="start"),
            rx.spacer(),
            rx.badge(c["max_points"], " pts", variant="soft"),
            width="100%", align="center",
        )),
        spacing="2", width="100%",
    )
