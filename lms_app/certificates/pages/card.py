"""A certificate on the learner's dashboard: download, verify/share link, Add to LinkedIn."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.links import anchor_button


def certificate_card(c: rx.Var) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.center(rx.icon("award", size=22, color=rx.color("accent", 11)), background=rx.color("accent", 3),
                      border_radius="9999px", width="44px", height="44px", flex_shrink="0"),
            rx.vstack(
                rx.hstack(rx.heading(c["course_title"], size="3", as_="h3"),
                          rx.cond(c["revoked"], rx.badge("Revoked " + c["revoked_label"], color_scheme="red",
                                                         variant="soft"),
                                  rx.badge("Valid", color_scheme="green", variant="soft")),
                          spacing="2", align="center", wrap="wrap"),
                rx.text("Completed " + c["date_label"] + " · taught by " + c["teacher_name"], size="2",
                        color=rx.color("gray", 11)),
                rx.text("No. ", rx.code(c["number"], size="1", style={"wordBreak": "break-all"}), size="1",
                        color=rx.color("gray", 11)),
                rx.hstack(
                    rx.cond(~c["revoked"],
                            anchor_button(rx.icon("download", size=16), "Download PDF", href=c["download_href"],
                                          size="2", download=True,
                                        aria_label="Download certificate PDF for " + c["course_title"])),
                    anchor_button(rx.icon("share-2", size=16), "Share link", href=c["verify_href"], size="2",
                                  variant="soft", new_tab=True,
                                aria_label="Share link (verify page) for " + c["course_title"]),
                    rx.cond(~c["revoked"],
                            anchor_button(rx.icon("briefcase", size=16), "Add to LinkedIn", href=c["linkedin_href"],
                                          size="2", variant="soft", new_tab=True,
                                        aria_label="Add to LinkedIn: " + c["course_title"])),
                    spacing="2", wrap="wrap", margin_top="0.25rem",
                ),
                spacing="1", align="start", min_width="0", width="100%",
            ),
            spacing="3", align="start", width="100%",
        ),
        width="100%",
    )
