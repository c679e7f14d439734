"""The offering's fields (one list for "New live session" and the edit dialog) and the edit
dialog on "My sessions": every field, plus uploading or removing the image.

The dialog's state holds the teacher's own offering, meeting link included: it is theirs, and the
service refuses anyone else (``services.edit_form`` goes through ``own_offering``). Closing the
dialog empties it.
"""

from __future__ import annotations

from typing import Mapping

import reflex as rx

from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import TEACHER_AREA
from lms_app.core.settings import get_settings
from lms_app.live import services
from lms_app.live.pages.common import labelled
from lms_app.live.pages.views import OfferingFormView
from lms_app.ui.forms import upload

IMAGE_TYPES = {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"]}
EMPTY_FORM = OfferingFormView(id=0, title="", description="", category="", image_url="", meeting_url="",
                              duration_minutes="60", capacity="10", cutoff_hours="24", timezone="UTC", price="0")


def offering_inputs(values: Mapping, prefix: str) -> list[rx.Component]:
    """The offering's inputs with ``values`` as their starting values (plain strings for a new
    session, the dialog's vars when editing). ``prefix`` keeps the two forms' names apart for
    assistive technology."""
    def named(label: str) -> str:
        return f"{prefix}{label}" if prefix else label

    return [
        labelled("Title", rx.input(aria_label=named("Title"), name="title", placeholder="Python Masterclass",
                                   default_value=values["title"], required=True)),
        labelled("Description", rx.text_area(aria_label=named("Description"), name="description",
                                             placeholder="What learners get (Markdown)",
                                             default_value=values["description"])),
        rx.grid(labelled("Duration (minutes)", rx.input(aria_label=named("Duration (minutes)"), name="duration_minutes",
                                                        type="number", default_value=values["duration_minutes"])),
                labelled("Seats per time", rx.input(aria_label=named("Seats per time"), name="capacity", type="number",
                                                    default_value=values["capacity"])),
                labelled("Price (USD, 0 = free)", rx.input(aria_label=named("Price (USD, 0 = free)"), name="price",
                                                           default_value=values["price"])),
                labelled("Cancellation cut-off (hours)", rx.input(aria_label=named("Cancellation cut-off (hours)"),
                                                                  name="cutoff_hours", type="number",
                                                                  default_value=values["cutoff_hours"])),
                columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%"),
        labelled("Meeting link (https://...)", rx.input(aria_label=named("Meeting link (https://...)"), name="meeting_url",
                                                        placeholder="https://meet.example/room",
                                                        default_value=values["meeting_url"], required=True)),
        labelled("Your time zone", rx.input(aria_label=named("Your time zone"), name="timezone",
                                            default_value=values["timezone"])),
        labelled("Category", rx.input(aria_label=named("Category"), name="category", placeholder="Programming",
                                      default_value=values["category"])),
        labelled("Image address (optional)", rx.input(aria_label=named("Image address (optional)"), name="image_url",
                                                      placeholder="https://... (or upload one after creating)",
                                                      default_value=values["image_url"])),
    ]


class LiveOfferingEditState(rx.State):
    # The offering whose dialog is open (0: closed) and its values as the form starts with them.
    editing: int = 0
    values: OfferingFormView = EMPTY_FORM
    error: str = ""
    image_error: str = ""
    uploading: bool = False
    saving: bool = False

    @rx.event
    @guarded(TEACHER_AREA)
    async def open(self, offering_id: int):
        try:
            self.values = await run_db(services.edit_form, current_actor(), offering_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        self.editing, self.error, self.image_error = self.values["id"], "", ""

    @rx.event
    @guarded(TEACHER_AREA)
    def close(self, open_: bool = False):
        """The dialog's open/close callback: only closing matters (opening is ``open``)."""
        if open_ is not True:
            self.editing, self.values, self.error, self.image_error = 0, EMPTY_FORM, "", ""

    @rx.event
    @guarded(TEACHER_AREA)
    async def save(self, form: dict):
        from lms_app.live.pages.teach import LiveTeachState

        self.error, self.saving = "", True
        yield
        try:
            await run_db(services.update_offering, current_actor(), self.editing, form)
        except ServiceError as exc:
            self.error, self.saving = exc.message, False
            return
        self.saving, self.editing, self.values = False, 0, EMPTY_FORM
        yield rx.toast.success("Session saved. Changed length or seats apply to times you schedule from now on.")
        yield LiveTeachState.refresh

    @rx.event
    @guarded(TEACHER_AREA)
    async def upload_image(self, files: list[rx.UploadFile]):
        from lms_app.live.pages.teach import LiveTeachState

        self.image_error = ""
        if not isinstance(files, list) or len(files) != 1 or not isinstance(files[0], rx.UploadFile):
            self.image_error = "Choose one image file."
            return
        self.uploading = True
        yield
        data = await files[0].read(services.IMAGE_MAX_BYTES + 1)
        try:
            offering = await run_db(services.set_image, get_settings(), current_actor(), self.editing, data)
        except ServiceError as exc:
            self.image_error, self.uploading = exc.message, False
            return
        self.uploading = False
        self.values = {**self.values, "image_url": offering.image_url}
        yield rx.toast.success("Image uploaded.")
        yield LiveTeachState.refresh

    @rx.event
    @guarded(TEACHER_AREA)
    async def remove_image(self):
        from lms_app.live.pages.teach import LiveTeachState

        try:
            await run_db(services.remove_image, current_actor(), self.editing)
        except ServiceError as exc:
            self.image_error = exc.message
            return
        self.values = {**self.values, "image_url": ""}
        yield rx.toast.success("Image removed.")
        yield LiveTeachState.refresh


def edit_button(offering_id) -> rx.Component:
    # A plain button opens the controlled dialog (Reflex wraps a dialog trigger's child in a Flex,
    # which then carries the button's ARIA attributes).
    return rx.button("Edit", size="1", variant="soft", aria_haspopup="dialog",
                     on_click=LiveOfferingEditState.open(offering_id))


def edit_dialog() -> rx.Component:
    S = LiveOfferingEditState
    image = rx.vstack(
        rx.text("Image", size="2", weight="medium"),
        rx.cond(S.values["image_url"] != "",
                rx.image(src=S.values["image_url"], alt="", width="100%", max_width="320px", border_radius="8px",
                         aspect_ratio="16 / 9", object_fit="cover"),
                rx.text("No image yet.", size="2", color=rx.color("gray", 11))),
        rx.hstack(
            upload("Session image", rx.button(rx.icon("upload", size=16), "Upload image", variant="soft", type="button",
                                              loading=S.uploading),
                   id="live-image", accept=IMAGE_TYPES, multiple=False, max_files=1, no_drag=True,
                   on_drop=S.upload_image(rx.upload_files(upload_id="live-image")), border="none", padding="0"),
            rx.cond(S.values["image_url"] != "", rx.button("Remove image", variant="ghost", color_scheme="red",
                                                           type="button", on_click=S.remove_image)),
            spacing="2", wrap="wrap"),
        rx.text("PNG, JPEG or WebP, up to 5 MB; cropped to 16:9.", size="1", color=rx.color("gray", 11)),
        rx.cond(S.image_error != "", rx.callout(S.image_error, icon="triangle-alert", color_scheme="red", size="1",
                                                role="alert", width="100%")),
        spacing="2", width="100%")
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title("Edit live session"),
        rx.dialog.description("Booked learners keep their seats; a new price applies to new bookings.", size="2"),
        rx.vstack(
            image,
            rx.form(rx.vstack(
                *offering_inputs(S.values, "Edit: "),
                rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red", role="alert",
                                                  width="100%")),
                rx.hstack(rx.dialog.close(rx.button("Cancel", variant="soft", type="button")),
                          rx.button("Save changes", type="submit", loading=S.saving),
                          spacing="2", justify="end", width="100%"),
                spacing="3", width="100%"), on_submit=S.save, reset_on_submit=False,
                key=S.editing.to_string()),
            spacing="4", width="100%"),
        max_width="560px"), open=S.editing != 0, on_open_change=S.close)
