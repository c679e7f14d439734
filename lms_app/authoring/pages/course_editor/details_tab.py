"""The Details tab of the course editor: the course form and its thumbnail."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.forms import field, upload
from lms_app.ui.status import safe_markdown
from lms_app.authoring.pages.course_editor.defaults import THUMB_TYPES
from lms_app.authoring.pages.course_editor.state import LOCKED, S
from lms_app.authoring.pages.course_editor.widgets import _error, _label, _select
from lms_app.authoring.services import courses as authoring, checks as authoring_checks
from lms_app.core import currencies
from lms_app.learning.pages.completion_settings import completion_card
from lms_app.authoring.pages.course_prices import prices_card


def _thumbnail_preview() -> rx.Component:
    d = S.details
    hue = d["hue"].to_string()
    return rx.cond(
        d["thumbnail_url"] != "",
        rx.image(src=d["thumbnail_url"], alt="Course thumbnail", width="100%", aspect_ratio="16 / 9",
                 object_fit="cover", border_radius="8px"),
        rx.center(rx.text(d["initials"], size="7", weight="bold", color="white"), width="100%",
                  aspect_ratio="16 / 9", border_radius="8px", aria_hidden="true",
                  background="linear-gradient(135deg, hsl(" + hue + " 65% 42%), hsl(" + hue + " 70% 28%))"),
    )


def _details_tab() -> rx.Component:
    d, e = S.details, S.errors
    form = rx.form(
        rx.vstack(
            field("Title", "title", e["title"], default_value=d["title"], required=True,
                  max_length=authoring_checks.TITLE_MAX),
            field("Subtitle", "subtitle", e["subtitle"], default_value=d["subtitle"],
                  max_length=authoring.SUBTITLE_MAX, placeholder="One sentence that sells the course"),
            field("Web address", "slug", e["slug"], default_value=d["slug"], max_length=authoring.SLUG_MAX,
                  placeholder="my-course"),
            rx.grid(
                _select("Category", "category_id",
                        [rx.el.option("Choose a category", value=""),
                         rx.foreach(S.categories, lambda c: rx.el.option(c["name"], value=c["id"]))],
                        d["category_id"], e["category_id"]),
                _select("Level", "level", [rx.el.option(x.title(), value=x) for x in authoring.LEVELS],
                        d["level"], e["level"]),
                _select("Language", "language", [rx.el.option(v, value=k) for k, v in authoring.LANGUAGES.items()],
                        d["language"], e["language"]),
                columns=rx.breakpoints(initial="1", sm="3"), spacing="4", width="100%",
            ),
            rx.grid(
                field("Price (0 = free)", "price", e["price"], default_value=d["price"], input_mode="decimal"),
                _select("Currency", "currency", [rx.el.option(c, value=c) for c in currencies.enabled()],
                        d["currency"], e["currency"]),
                columns="2", spacing="4", width="100%",
            ),
            rx.grid(
                rx.vstack(
                    _label("Description (Markdown)", "field-description"),
                    rx.text_area(id="field-description", name="description", default_value=d["description"],
                                 rows="12", width="100%", max_length=authoring.DESCRIPTION_MAX,
                                 on_change=S.preview_description.debounce(400)),
                    _error(e["description"]),
                    spacing="1", width="100%", align="start",
                ),
                rx.vstack(
                    rx.text("Preview", size="2", weight="medium"),
                    rx.box(safe_markdown(S.description_preview), padding="0.75rem", width="100%",
                           min_height="240px", max_height="420px", overflow_y="auto",
                           border=f"1px solid {rx.color('gray', 5)}", border_radius="8px",
                           background=rx.color("gray", 2)),
                    spacing="1", width="100%", align="start",
                ),
                columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%",
            ),
            rx.el.label(
                rx.el.input(type="checkbox", name="sequential", id="field-sequential",
                            default_checked=d["sequential"], key=d["id"].to_string() + d["sequential"].to_string()),
                rx.text(" Sequential mode: a lesson opens only after the previous one is complete", size="2"),
                html_for="field-sequential", style={"display": "flex", "gap": "0.5rem", "alignItems": "center"},
            ),
            rx.vstack(
                _label("What you will learn (one point per line, up to 10)", "field-outcomes"),
                rx.text_area(id="field-outcomes", name="outcomes", default_value=d["outcomes_text"], rows="5",
                             width="100%"),
                _error(e["outcomes"]),
                spacing="1", width="100%", align="start",
            ),
            rx.hstack(
                rx.button(rx.icon("save", size=16), "Save details", type="submit", loading=S.saving, disabled=LOCKED),
                rx.cond(d["duration_label"] != "",
                        rx.text("Estimated duration: ", d["duration_label"], " (from the lessons)", size="2",
                                color=rx.color("gray", 11))),
                align="center", spacing="4", wrap="wrap",
            ),
            spacing="4", width="100%", align="start",
        ),
        on_submit=S.save_details, reset_on_submit=False, width="100%", key=S.version.to_string() + "-details",
    )
    thumb = rx.card(
        rx.vstack(
            rx.heading("Thumbnail", size="3", as_="h2"),
            _thumbnail_preview(),
            rx.text("PNG, JPEG or WebP, up to 5 MB. It is cropped to 16:9.", size="1", color=rx.color("gray", 11)),
            rx.hstack(
                upload(
                    "Course thumbnail image",
                    rx.button(rx.icon("upload", size=16), "Upload", variant="soft", loading=S.uploading,
                              type="button", disabled=LOCKED),
                    id="thumbnail", accept=THUMB_TYPES, multiple=False, max_files=1, no_drag=True,
                    on_drop=S.upload_thumbnail(rx.upload_files(upload_id="thumbnail")), border="none", padding="0",
                ),
                rx.cond(d["thumbnail_url"] != "",
                        rx.button("Remove", variant="ghost", color_scheme="red", on_click=S.remove_thumbnail,
                                  type="button")),
                spacing="2",
            ),
            rx.cond(e["thumbnail"] != "", rx.callout(e["thumbnail"], icon="circle-alert", color_scheme="red",
                                                     role="alert", size="1", width="100%")),
            spacing="3", width="100%",
        ),
        width="100%",
    )
    side = rx.vstack(thumb, rx.cond(d["id"] != 0, completion_card(d["id"])),
                     rx.cond(d["id"] != 0, prices_card(d["id"], d["id"].to_string() + d["currency"] + d["price"])),
                     spacing="5", width="100%")
    return rx.grid(rx.card(form, size="3", width="100%"), side,
                   columns=rx.breakpoints(initial="1", lg="3fr 1fr"), spacing="5", width="100%", align_items="start")
