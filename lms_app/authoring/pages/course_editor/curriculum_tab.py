"""The Curriculum tab of the course editor: modules, lesson rows and the lesson editor dialog."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.wording import counted

from lms_app.ui.forms import field, upload
from lms_app.ui.layout import empty_state
from lms_app.ui.links import link_button
from lms_app.ui.status import safe_markdown, type_icon
from lms_app.authoring.views import LessonRow, ModuleRow
from lms_app.authoring.pages.course_editor.state import LOCKED, S
from lms_app.authoring.pages.course_editor.widgets import _confirm, _error, _label
from lms_app.core import lesson_types


def _move_menu(lesson: rx.Var[LessonRow]) -> rx.Component:
    return rx.dropdown_menu.root(
        rx.dropdown_menu.trigger(rx.icon_button(rx.icon("folder-input", size=16), variant="ghost", color_scheme="gray",
                                                aria_label="Move to another module", title="Move to module",
                                                disabled=LOCKED)),
        rx.dropdown_menu.content(
            rx.text("Move to module", size="1", color=rx.color("gray", 10), padding="4px 8px"),
            rx.foreach(S.modules, lambda m: rx.dropdown_menu.item(
                m["title"], disabled=m["id"] == lesson["module_id"],
                on_select=S.move_lesson(lesson["id"], m["id"], 100000))),
        ),
    )


def _lesson_row(lesson: rx.Var[LessonRow]) -> rx.Component:
    lid = lesson["id"].to_string()
    return rx.hstack(
        type_icon(lesson["icon"], size=16, color=rx.color("accent", 11), flex_shrink="0"),
        rx.input(default_value=lesson["title"], key=lid + "-" + S.version.to_string(),
                 on_blur=lambda v: S.rename_lesson(lesson["id"], v), aria_label="Lesson title", size="2",
                 variant="soft", color_scheme="gray", flex=rx.breakpoints(initial="1 1 85%", sm="1"), read_only=LOCKED,
                 min_width="120px", max_length=160),
        rx.badge(lesson["type_label"], variant="outline", color_scheme="gray", class_name="lms-hide-narrow"),
        rx.text(lesson["duration_label"], size="1", color=rx.color("gray", 10), class_name="lms-hide-narrow",
                white_space="nowrap"),
        rx.cond(~lesson["has_content"], rx.tooltip(rx.icon("circle-dashed", size=16, color=rx.color("amber", 10)),
                                                   content="No content yet")),
        rx.el.label(
            rx.switch(default_checked=lesson["is_preview"], size="1", key=lid + "-p-" + S.version.to_string(),
                      aria_label="Free preview", disabled=LOCKED,
                      on_change=lambda v: S.toggle_preview(lesson["id"], v)),
            rx.text("Preview", size="1", class_name="lms-hide-narrow"),
            style={"display": "flex", "gap": "6px", "alignItems": "center", "cursor": "pointer"},
            title="Free preview: anyone can open this lesson",
        ),
        rx.icon_button(rx.icon("pencil", size=16), variant="soft", aria_label="Edit lesson content",
                       title="Edit content", on_click=S.open_lesson(lesson["id"])),
        rx.icon_button(rx.icon("arrow-up", size=16), variant="ghost", color_scheme="gray", aria_label="Move up",
                       disabled=lesson["is_first"] | LOCKED,
                       on_click=S.move_lesson(lesson["id"], lesson["module_id"], lesson["position"] - 1)),
        rx.icon_button(rx.icon("arrow-down", size=16), variant="ghost", color_scheme="gray", aria_label="Move down",
                       disabled=lesson["is_last"] | LOCKED,
                       on_click=S.move_lesson(lesson["id"], lesson["module_id"], lesson["position"] + 1)),
        _move_menu(lesson),
        _confirm(rx.icon_button(rx.icon("trash-2", size=16), variant="ghost", color_scheme="red",
                                aria_label="Delete lesson", disabled=LOCKED),
                 "Delete this lesson?", "Its content and any uploaded file are removed. This cannot be undone.",
                 "Delete lesson", S.delete_lesson(lesson["id"])),
        align="center", spacing="2", width="100%", padding="0.4rem 0.5rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}", wrap="wrap",
    )


def _add_lesson_form(module: rx.Var[ModuleRow]) -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.el.input(type="hidden", name="module_id", value=module["id"].to_string()),
            rx.input(name="title", placeholder="New lesson title", aria_label="New lesson title", required=True,
                     max_length=160, flex="1", min_width="160px", size="3"),
            rx.el.select(*[rx.el.option(t.label, value=t.key) for t in lesson_types.all_types()], name="lesson_type",
                         aria_label="Lesson type", class_name="lms-native-select", style={"width": "auto"}),
            rx.button(rx.icon("plus", size=16), "Add lesson", type="submit", variant="soft", size="3", disabled=LOCKED),
            spacing="2", width="100%", wrap="wrap", align="center",
        ),
        on_submit=S.add_lesson, reset_on_submit=True, width="100%",
    )


def _module_card(module: rx.Var[ModuleRow]) -> rx.Component:
    mid = module["id"].to_string()
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge("Module ", (module["position"] + 1).to_string(), variant="soft"),
                rx.input(default_value=module["title"], key="m" + mid + "-" + S.version.to_string(),
                         on_blur=lambda v: S.rename_module(module["id"], v), aria_label="Module title", size="3",
                         flex=rx.breakpoints(initial="1 1 70%", sm="1"), min_width="140px", max_length=160, read_only=LOCKED,
                         font_weight="bold"),
                rx.text(counted(module["lesson_count"], "lesson"), size="1", color=rx.color("gray", 10), white_space="nowrap"),
                rx.icon_button(rx.icon("chevron-up", size=16), variant="ghost", color_scheme="gray",
                               aria_label="Move module up", disabled=module["is_first"] | LOCKED,
                               on_click=S.move_module(module["id"], module["position"] - 1)),
                rx.icon_button(rx.icon("chevron-down", size=16), variant="ghost", color_scheme="gray",
                               aria_label="Move module down", disabled=module["is_last"] | LOCKED,
                               on_click=S.move_module(module["id"], module["position"] + 1)),
                _confirm(rx.icon_button(rx.icon("trash-2", size=16), variant="ghost", color_scheme="red",
                                        aria_label="Delete module", disabled=LOCKED),
                         "Delete this module?", "Every lesson in it is deleted too. This cannot be undone.",
                         "Delete module", S.delete_module(module["id"])),
                align="center", spacing="2", width="100%", wrap="wrap",
            ),
            rx.vstack(
                rx.foreach(S.lessons, lambda lesson: rx.cond(lesson["module_id"] == module["id"],
                                                             _lesson_row(lesson))),
                spacing="0", width="100%",
            ),
            rx.cond(module["lesson_count"] == 0,
                    rx.text("No lessons yet: add the first one below.", size="2", color=rx.color("gray", 11))),
            _add_lesson_form(module),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def _curriculum_tab() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.modules.length() > 0,
            rx.vstack(rx.foreach(S.modules, _module_card), spacing="4", width="100%"),
            empty_state("layers", "No modules yet",
                        "A course is made of modules, each with lessons. Add the first module below."),
        ),
        rx.form(
            rx.hstack(
                rx.input(name="title", placeholder="New module title", aria_label="New module title", required=True,
                         max_length=160, flex="1", size="3"),
                rx.button(rx.icon("plus", size=16), "Add module", type="submit", size="3", disabled=LOCKED),
                spacing="2", width="100%",
            ),
            on_submit=S.add_module, reset_on_submit=True, width="100%",
        ),
        rx.text("Titles save when you leave the field. Lessons marked Preview can be opened by anyone.", size="1",
                color=rx.color("gray", 11)),
        spacing="4", width="100%",
    )


def _lesson_dialog() -> rx.Component:
    L, e = S.lesson, S.lesson_errors
    file_part = rx.cond(
        L["takes_upload"],
        rx.vstack(
            rx.text("File", size="2", weight="medium"),
            rx.cond(
                L["file_name"] != "",
                rx.hstack(rx.icon("paperclip", size=16), rx.link(L["file_name"], href=L["file_url"], is_external=True),
                          rx.text(L["file_size_label"], size="1", color=rx.color("gray", 10)),
                          rx.button("Remove file", size="1", variant="ghost", color_scheme="red", type="button",
                                    on_click=S.remove_lesson_file),
                          align="center", spacing="2", wrap="wrap"),
                rx.text("No file uploaded.", size="2", color=rx.color("gray", 11)),
            ),
            upload(
                "Lesson file",
                rx.button(rx.icon("upload", size=16), "Upload a file (up to ", L["upload_limit"], ")", variant="soft",
                          type="button", loading=S.lesson_uploading, disabled=LOCKED),
                id="lesson_file", multiple=False, max_files=1, no_drag=True,
                on_drop=S.upload_lesson_file(rx.upload_files(upload_id="lesson_file")), border="none", padding="0",
            ),
            _error(e["file"]),
            spacing="2", width="100%", align="start",
        ),
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.hstack(rx.text("Edit lesson"), rx.badge(L["type_label"], variant="soft"),
                                      align="center", spacing="2")),
            rx.dialog.description(L["help"], size="2", color=rx.color("gray", 11)),
            rx.cond(L["editor_href"] != "",
                    link_button(rx.icon("pencil-ruler", size=16), L["editor_label"], href=L["editor_href"],
                                margin_top="0.75rem")),
            rx.form(
                rx.vstack(
                    rx.grid(
                        field("Title", "title", e["title"], default_value=L["title"], required=True, max_length=160),
                        field("Duration (minutes)", "minutes", e["minutes"], default_value=L["minutes"],
                              input_mode="numeric"),
                        columns=rx.breakpoints(initial="1", sm="3fr 1fr"), spacing="3", width="100%",
                    ),
                    rx.cond(L["uses_video_url"],
                            field("Video address (YouTube, Vimeo, or an .mp4/.webm/.ogg file)", "video_url",
                                  e["video_url"], default_value=L["video_url"], placeholder="https://…",
                                  max_length=500)),
                    rx.cond(
                        L["uses_body"],
                        rx.grid(
                            rx.vstack(
                                _label("Text (Markdown)", "field-body"),
                                rx.text_area(id="field-body", name="body", default_value=L["body"], rows="14",
                                             width="100%", on_change=S.preview_body.debounce(400)),
                                _error(e["body"]), spacing="1", width="100%", align="start",
                            ),
                            rx.vstack(
                                rx.text("Preview", size="2", weight="medium"),
                                rx.box(safe_markdown(S.body_preview), padding="0.75rem", width="100%",
                                       min_height="200px", max_height="360px", overflow_y="auto",
                                       border=f"1px solid {rx.color('gray', 5)}", border_radius="8px",
                                       background=rx.color("gray", 2)),
                                spacing="1", width="100%", align="start",
                            ),
                            columns=rx.breakpoints(initial="1", md="2"), spacing="3", width="100%",
                        ),
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
                        rx.button("Save lesson", type="submit", loading=S.lesson_saving, disabled=LOCKED),
                        spacing="3", justify="end", width="100%",
                    ),
                    spacing="4", width="100%",
                ),
                on_submit=S.save_lesson, reset_on_submit=False, key=L["id"].to_string() + "-" + S.version.to_string(),
            ),
            rx.divider(margin_y="1rem"),
            file_part,
            max_width="960px", width="100%",
        ),
        open=S.lesson_open, on_open_change=S.lesson_dialog_changed,
    )
