"""Profile: name, bio, time zone, avatar, and password change (signs out other sessions)."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.forms import blank_errors, field, upload
from lms_app.ui.layout import loading_block, page_heading, page_shell, profile_card
from lms_app.ui.navbar import avatar
from lms_app.core.db import run_db
from lms_app.core.users import User
from lms_app.accounts.services import accounts, profiles
from lms_app.core.errors import ServiceError
from lms_app.accounts.services.passwords import MAX_LENGTH, MIN_LENGTH
from lms_app.core.permissions import LEARNER_AREA
from lms_app.core.settings import get_settings
from lms_app.core.auth_state import AuthState
from lms_app.core import plugins
from lms_app.core.guard import current_actor, guarded

_PROFILE_FIELDS = ("name", "bio", "timezone")
_PASSWORD_FIELDS = ("old_password", "new_password")
AVATAR_TYPES = {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"], "image/gif": [".gif"]}


def _load_user(session, actor) -> User:
    return session.get(User, actor.user_id)


class ProfileState(rx.State):
    name: str = ""
    bio: str = ""
    timezone: str = "UTC"
    errors: dict[str, str] = blank_errors(_PROFILE_FIELDS)
    password_errors: dict[str, str] = blank_errors(_PASSWORD_FIELDS)
    avatar_error: str = ""
    saving: bool = False
    changing_password: bool = False
    uploading: bool = False
    loaded: bool = False
    # Bumped after a password change so the form remounts empty.
    password_form_key: int = 0

    async def _show(self, user: User) -> None:
        self.name, self.bio, self.timezone = user.name, user.bio, user.timezone
        (await self.get_state(AuthState))._apply(user)

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        await self._show(await run_db(_load_user, current_actor()))
        self.errors, self.password_errors, self.avatar_error = blank_errors(_PROFILE_FIELDS), blank_errors(_PASSWORD_FIELDS), ""
        self.loaded = True

    @rx.event
    @guarded(LEARNER_AREA)
    async def save_profile(self, form: dict):
        form = form if isinstance(form, dict) else {}
        self.errors = blank_errors(_PROFILE_FIELDS)
        self.saving = True
        yield
        try:
            user = await run_db(accounts.update_profile, current_actor(), form.get("name"), form.get("bio"),
                                form.get("timezone"))
        except ServiceError as exc:
            self.errors = {**blank_errors(_PROFILE_FIELDS), (exc.field or "name"): exc.message}
            self.saving = False
            yield rx.toast.error("Your profile was not saved. Check the highlighted field.")
            return
        await self._show(user)
        self.saving = False
        yield rx.toast.success("Profile saved.")

    @rx.event
    @guarded(LEARNER_AREA)
    async def change_password(self, form: dict):
        form = form if isinstance(form, dict) else {}
        self.password_errors = blank_errors(_PASSWORD_FIELDS)
        self.changing_password = True
        yield
        try:
            revoked = await run_db(accounts.change_password, get_settings(), current_actor(),
                                   form.get("old_password"), form.get("new_password"))
        except ServiceError as exc:
            self.password_errors = {**blank_errors(_PASSWORD_FIELDS), (exc.field or "old_password"): exc.message}
            self.changing_password = False
            return
        self.changing_password = False
        self.password_form_key += 1
        others = f" {revoked} other session{'s were' if revoked != 1 else ' was'} signed out." if revoked else ""
        yield rx.toast.success("Password changed." + others)

    @rx.event
    @guarded(LEARNER_AREA)
    async def upload_avatar(self, files: list[rx.UploadFile]):
        self.avatar_error = ""
        if not isinstance(files, list) or len(files) != 1 or not isinstance(files[0], rx.UploadFile):
            self.avatar_error = "Choose one image file."
            return
        self.uploading = True
        yield
        # Read one byte past the limit: enough to refuse an oversized file without holding it all.
        data = await files[0].read(profiles.AVATAR_MAX_BYTES + 1)
        try:
            user = await run_db(profiles.set_avatar, get_settings(), current_actor(), data)
        except ServiceError as exc:
            self.avatar_error = exc.message
            self.uploading = False
            return
        await self._show(user)
        self.uploading = False
        yield rx.toast.success("Avatar updated.")

    @rx.event
    @guarded(LEARNER_AREA)
    async def remove_avatar(self):
        user = await run_db(profiles.remove_avatar, get_settings(), current_actor())
        await self._show(user)
        return rx.toast.success("Avatar removed.")


def _avatar_section() -> rx.Component:
    return profile_card(
        "Photo", "PNG, JPEG, WebP or GIF, up to 2 MB. It is cropped to a square.",
        rx.hstack(
            avatar("6"),
            rx.vstack(
                upload(
                    "Profile photo",
                    rx.button(rx.icon("upload", size=16), "Upload a photo", variant="soft", loading=ProfileState.uploading,
                              type="button"),
                    id="avatar", accept=AVATAR_TYPES, multiple=False, max_files=1, no_drag=True,
                    on_drop=ProfileState.upload_avatar(rx.upload_files(upload_id="avatar")),
                    border="none", padding="0",
                ),
                rx.cond(AuthState.user["avatar_url"] != "",
                        rx.alert_dialog.root(
                            rx.alert_dialog.trigger(rx.button("Remove photo", variant="ghost", color_scheme="red",
                                                              size="1")),
                            rx.alert_dialog.content(
                                rx.alert_dialog.title("Remove your photo?"),
                                rx.alert_dialog.description("Your initials will be shown instead."),
                                rx.hstack(rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                                          rx.alert_dialog.action(rx.button("Remove", color_scheme="red",
                                                                           on_click=ProfileState.remove_avatar)),
                                          spacing="3", justify="end", margin_top="1rem"),
                            ),
                        )),
                spacing="2", align="start",
            ),
            align="center", spacing="4",
        ),
        rx.cond(ProfileState.avatar_error != "",
                rx.callout(ProfileState.avatar_error, icon="circle-alert", color_scheme="red", role="alert",
                           width="100%")),
    )


def _details_section() -> rx.Component:
    return profile_card(
        "Details", "Your name and bio appear on your courses and reviews. Times are shown in your time zone.",
        rx.form(
            rx.vstack(
                field("Name", "name", ProfileState.errors["name"], default_value=ProfileState.name, required=True,
                      max_length=accounts.NAME_MAX),
                rx.vstack(
                    rx.el.label("Bio", html_for="field-bio", style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
                    rx.text_area(id="field-bio", name="bio", default_value=ProfileState.bio, rows="4", width="100%",
                                 max_length=accounts.BIO_MAX, placeholder="A sentence or two about you"),
                    rx.cond(ProfileState.errors["bio"] != "", rx.text(ProfileState.errors["bio"], size="1",
                                                                       color=rx.color("red", 11), role="alert")),
                    spacing="1", width="100%", align="start",
                ),
                rx.vstack(
                    rx.el.label("Time zone", html_for="field-timezone",
                                style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
                    rx.el.select(*[rx.el.option(tz, value=tz) for tz in accounts.timezones()], id="field-timezone",
                                 name="timezone", default_value=ProfileState.timezone, class_name="lms-native-select"),
                    rx.cond(ProfileState.errors["timezone"] != "", rx.text(ProfileState.errors["timezone"], size="1",
                                                                            color=rx.color("red", 11), role="alert")),
                    spacing="1", width="100%", align="start",
                ),
                rx.button("Save profile", type="submit", loading=ProfileState.saving),
                spacing="4", width="100%", align="start",
            ),
            on_submit=ProfileState.save_profile, width="100%",
        ),
    )


def _password_section() -> rx.Component:
    return profile_card(
        "Password", "Changing it signs you out everywhere else.",
        rx.form(
            rx.vstack(
                field("Current password", "old_password", ProfileState.password_errors["old_password"], type="password",
                      auto_complete="current-password", required=True),
                field("New password", "new_password", ProfileState.password_errors["new_password"], type="password",
                      auto_complete="new-password", required=True, min_length=MIN_LENGTH, max_length=MAX_LENGTH),
                rx.button("Change password", type="submit", loading=ProfileState.changing_password),
                spacing="4", width="100%", align="start",
            ),
            on_submit=ProfileState.change_password, reset_on_submit=False, width="100%",
            key=ProfileState.password_form_key,
        ),
    )


def page() -> rx.Component:
    return page_shell(
        page_heading("Profile", "How you appear to teachers and other learners."),
        rx.cond(ProfileState.loaded,
                rx.vstack(_avatar_section(), _details_section(), _password_section(),
                          # Cards other feature packages and plugins add (lms_profile_sections).
                          *[section.component() for section in
                            sorted(plugins.collected("lms_profile_sections"), key=lambda s: s.order)],
                          spacing="5", width="100%"),
                loading_block()),
        width="960px",
    )


ROUTE = "/profile"
TITLE = "Profile"
ON_LOAD = [AuthState.refresh, ProfileState.load]
