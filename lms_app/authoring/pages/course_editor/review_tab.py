"""The Review tab of the course editor: status, submit/withdraw/archive/delete, and history."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.status import status_badge
from lms_app.authoring.pages.course_editor.state import S
from lms_app.authoring.pages.course_editor.widgets import _confirm


def _review_tab() -> rx.Component:
    d = S.details
    status = d["status"]
    return rx.vstack(
        rx.card(
            rx.vstack(
                rx.hstack(rx.heading("Status", size="4", as_="h2"), status_badge(status), align="center", spacing="3"),
                rx.match(
                    status,
                    ("draft", rx.text("Only you and admins can see this course. Submit it for review when it is ready.")),
                    ("pending", rx.text("An admin is reviewing this course. It is read-only until then; withdraw it "
                                        "to make changes.")),
                    ("published", rx.text("Learners can find and join this course. Your edits go live at once.")),
                    ("rejected", rx.text("An admin asked for changes. Edit the course, then submit it again.")),
                    ("archived", rx.text("The course is not listed. Enrolled learners keep access. Submit it again "
                                         "to publish it.")),
                    rx.fragment(),
                ),
                rx.cond((status == "rejected") & (d["review_note"] != ""),
                        rx.callout(rx.text(rx.text.strong("Reviewer’s note: "), d["review_note"]), icon="message-square",
                                   color_scheme="red", width="100%")),
                rx.cond(
                    S.missing.length() > 0,
                    rx.callout(
                        rx.vstack(rx.text("Before you can submit, the course needs:", weight="medium"),
                                  rx.el.ul(rx.foreach(S.missing, lambda m: rx.el.li(m)), style={"paddingLeft": "1.2rem"}),
                                  spacing="1"),
                        icon="list-checks", color_scheme="amber", width="100%",
                    ),
                ),
                rx.cond(S.review_error != "", rx.text(S.review_error, size="2", color=rx.color("red", 11), role="alert")),
                rx.hstack(
                    rx.cond((status == "draft") | (status == "rejected") | (status == "archived"),
                            rx.button(rx.icon("send", size=16), "Submit for review", on_click=S.submit_for_review,
                                      disabled=S.missing.length() > 0)),
                    rx.cond(status == "pending",
                            rx.button(rx.icon("undo-2", size=16), "Withdraw from review", variant="soft",
                                      on_click=S.withdraw)),
                    rx.cond((status == "published") | (status == "draft") | (status == "rejected"),
                            _confirm(rx.button(rx.icon("archive", size=16), "Archive", variant="soft",
                                               color_scheme="gray"),
                                     "Archive this course?",
                                     "It disappears from the catalog; enrolled learners keep access. You can submit "
                                     "it again later.", "Archive", S.archive)),
                    rx.cond((status == "draft") | (status == "rejected"),
                            _confirm(rx.button(rx.icon("trash-2", size=16), "Delete course", variant="soft",
                                               color_scheme="red"),
                                     "Delete this course?",
                                     "The course, its modules, lessons and files are removed for good. A course "
                                     "with students can only be archived.", "Delete course", S.delete_course)),
                    spacing="3", wrap="wrap",
                ),
                spacing="3", width="100%", align="start",
            ),
            size="3", width="100%",
        ),
        rx.heading("History", size="4", as_="h2"),
        rx.cond(
            S.history.length() > 0,
            rx.box(rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in ("When", "Change", "By", "Reason")])),
                rx.table.body(rx.foreach(S.history, lambda h: rx.table.row(
                    rx.table.cell(h["when"], white_space="nowrap"),
                    rx.table.cell(rx.hstack(status_badge(h["from_status"], "1"), rx.icon("arrow-right", size=12),
                                            status_badge(h["to_status"], "1"), align="center", spacing="1")),
                    rx.table.cell(h["who"]), rx.table.cell(h["reason"])))),
                variant="surface", width="100%"), width="100%", overflow_x="auto"),
            rx.text("No status changes yet.", color=rx.color("gray", 11)),
        ),
        spacing="4", width="100%", align="start",
    )
