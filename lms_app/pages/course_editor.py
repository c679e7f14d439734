"""The course editor (/teach/courses/<id>): details, curriculum and review, for the owner or an admin.

State design: the curriculum (``modules``/``lessons``) is re-sent only when its shape changes
(add, delete, move). Renaming a lesson or module goes through an uncontrolled input whose
``on_blur`` saves; the handler keeps the saved title in a backend-only dict and touches no
public var, so a rename in a 200-lesson course sends a toast and nothing else. The preview
switch is uncontrolled for the same reason.
"""

from __future__ import annotations

import reflex as rx

from lms_app.components.forms import field
from lms_app.components.layout import empty_state, loading_block, page_shell
from lms_app.components.links import link_button
from lms_app.components.status import safe_markdown, status_badge, type_icon
from lms_app.db import run_db
from lms_app.models.authoring_views import (
    CourseDetailsView,
    HistoryRow,
    LessonEditView,
    LessonRow,
    ModuleRow,
)
from lms_app.services import authoring, authoring_views, lesson_types, review
from lms_app.services.errors import ServiceError
from lms_app.services.permissions import TEACHER_AREA
from lms_app.settings import get_settings
from lms_app.state.auth import AuthState
from lms_app.state.guard import current_actor, guarded

DETAIL_FIELDS = ("title", "subtitle", "description", "slug", "category_id", "level", "language", "currency",
                 "price", "outcomes", "thumbnail")
LESSON_FIELDS = ("title", "minutes", "body", "video_url", "file")
TABS = ("details", "curriculum", "review")
THUMB_TYPES = {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"]}


def _blank(fields) -> dict[str, str]:
    return {f: "" for f in fields}


def _empty_details() -> CourseDetailsView:
    return CourseDetailsView(id=0, title="", subtitle="", description="", slug="", category_id="", level="beginner",
                             language="en", currency="USD", price="0", outcomes_text="", thumbnail_url="",
                             status="draft", duration_label="0 min", review_note="", initials="", hue=0)


def _empty_lesson() -> LessonEditView:
    return LessonEditView(id=0, title="", lesson_type="text", type_label="", help="", minutes="0", is_preview=False,
                          body="", video_url="", file_name="", file_size_label="", file_url="", uses_body=False,
                          uses_video_url=False, takes_upload=False, upload_limit="")


def _editor_bundle(session, actor, course_id):
    data = authoring_views.editor(session, actor, course_id)
    data["history"] = review.history(session, actor, course_id)
    return data


class CourseEditorState(rx.State):
    details: CourseDetailsView = _empty_details()
    categories: list[dict[str, str]] = []
    modules: list[ModuleRow] = []
    lessons: list[LessonRow] = []
    missing: list[str] = []
    history: list[HistoryRow] = []
    errors: dict[str, str] = _blank(DETAIL_FIELDS)
    description_preview: str = ""
    loaded: bool = False
    not_found: bool = False
    saving: bool = False
    uploading: bool = False
    busy: bool = False
    # Bumped to remount the uncontrolled inputs when the server's titles must win again.
    version: int = 0
    # The lesson editor dialog.
    lesson_open: bool = False
    lesson: LessonEditView = _empty_lesson()
    lesson_errors: dict[str, str] = _blank(LESSON_FIELDS)
    body_preview: str = ""
    lesson_saving: bool = False
    lesson_uploading: bool = False
    review_error: str = ""
    tab: str = "details"

    _cid: int = 0
    _titles: dict[str, str] = {}

    # -- loading -------------------------------------------------------------------------------
    def _apply(self, data: dict) -> None:
        self.details = data["details"]
        self.categories, self.modules, self.lessons = data["categories"], data["modules"], data["lessons"]
        self.missing, self.history = data["missing"], data["history"]
        self._titles = {f"l{x['id']}": x["title"] for x in data["lessons"]}
        self._titles.update({f"m{x['id']}": x["title"] for x in data["modules"]})
        self._cid = data["details"]["id"]

    async def _reload(self, bump: bool = False) -> None:
        self._apply(await run_db(_editor_bundle, current_actor(), self._cid))
        if bump:
            self.version += 1

    @rx.event
    @guarded(TEACHER_AREA)
    async def load(self):
        self.loaded, self.not_found, self.lesson_open = False, False, False
        self.errors, self.review_error = _blank(DETAIL_FIELDS), ""
        # /teach/courses/<id>: read from the URL (RouterData.page is deprecated since 0.8.1).
        parts = self.router.url.path.strip("/").split("/")
        raw = parts[2] if len(parts) == 3 and parts[:2] == ["teach", "courses"] else ""
        wanted = self.router.url.query_parameters.get("tab")
        self.tab = wanted if wanted in TABS else "details"
        try:
            data = await run_db(_editor_bundle, current_actor(), raw)
        except ServiceError:  # missing, or another teacher's course: the same answer for both
            self.not_found, self.loaded = True, True
            self._cid = 0
            return
        self._apply(data)
        self.description_preview = data["details"]["description"]
        self.version += 1
        self.loaded = True

    async def _act(self, fn, *args, settings: bool = False):
        """Run a service; (result, None) or (None, error message)."""
        if not self._cid:
            return None, "Open a course first."
        try:
            extra = (get_settings(),) if settings else ()
            return await run_db(fn, *extra, current_actor(), *args), None
        except ServiceError as exc:
            return None, exc.message

    @rx.event
    @guarded(TEACHER_AREA)
    async def choose_tab(self, value: str):
        self.tab = value if value in TABS else "details"

    # -- details -------------------------------------------------------------------------------
    @rx.event
    @guarded(TEACHER_AREA)
    async def preview_description(self, text: str):
        self.description_preview = text[:authoring.DESCRIPTION_MAX] if isinstance(text, str) else ""

    @rx.event
    @guarded(TEACHER_AREA)
    async def save_details(self, form: dict):
        self.errors = _blank(DETAIL_FIELDS)
        if not self._cid:
            yield rx.toast.error("Open a course first.")
            return
        self.saving = True
        yield
        try:
            _, cleaned = await run_db(authoring.update_details, current_actor(), self._cid, form)
        except authoring.FormErrors as exc:
            self.errors = {**_blank(DETAIL_FIELDS), **exc.errors}
            self.saving = False
            yield rx.toast.error("Nothing was saved. Check the highlighted fields.")
            return
        except ServiceError as exc:
            self.errors = {**_blank(DETAIL_FIELDS), (exc.field or "title"): exc.message}
            self.saving = False
            yield rx.toast.error(exc.message)
            return
        await self._reload()
        self.description_preview = self.details["description"]
        self.saving = False
        if cleaned:
            yield rx.toast.warning("Saved. Raw HTML and unsafe links were removed from the description.")
        else:
            yield rx.toast.success("Course details saved.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def upload_thumbnail(self, files: list[rx.UploadFile]):
        self.errors = {**self.errors, "thumbnail": ""}
        if not isinstance(files, list) or len(files) != 1 or not isinstance(files[0], rx.UploadFile):
            self.errors = {**self.errors, "thumbnail": "Choose one image file."}
            return
        self.uploading = True
        yield
        data = await files[0].read(authoring.THUMBNAIL_MAX_BYTES + 1)
        _, error = await self._act(authoring.set_thumbnail, self._cid, data, settings=True)
        self.uploading = False
        if error:
            self.errors = {**self.errors, "thumbnail": error}
            return
        await self._reload()
        yield rx.toast.success("Thumbnail updated.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def remove_thumbnail(self):
        _, error = await self._act(authoring.remove_thumbnail, self._cid, settings=True)
        if error:
            return rx.toast.error(error)
        await self._reload()
        return rx.toast.success("Thumbnail removed.")

    # -- modules -------------------------------------------------------------------------------
    @rx.event
    @guarded(TEACHER_AREA)
    async def add_module(self, form: dict):
        title = form.get("title") if isinstance(form, dict) else None
        _, error = await self._act(authoring.add_module, self._cid, title)
        if error:
            return rx.toast.error(error)
        await self._reload()
        return rx.toast.success("Module added.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def rename_module(self, module_id: int, title: str):
        if isinstance(title, str) and self._titles.get(f"m{module_id}") == " ".join(title.split()):
            return None
        module, error = await self._act(authoring.rename_module, module_id, title)
        if error:
            if self._cid:
                await self._reload(bump=True)
            return rx.toast.error(error)
        self._titles[f"m{module.id}"] = module.title
        return rx.toast.success("Module renamed.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def delete_module(self, module_id: int):
        _, error = await self._act(authoring.delete_module, module_id, settings=True)
        if error:
            return rx.toast.error(error)
        await self._reload()
        return rx.toast.success("Module deleted with its lessons.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def move_module(self, module_id: int, position: int):
        _, error = await self._act(authoring.move_module, module_id, position)
        if error:
            return rx.toast.error(error)
        await self._reload(bump=True)

    # -- lessons -------------------------------------------------------------------------------
    @rx.event
    @guarded(TEACHER_AREA)
    async def add_lesson(self, form: dict):
        form = form if isinstance(form, dict) else {}
        _, error = await self._act(authoring.add_lesson, form.get("module_id"), form.get("title"),
                                   form.get("lesson_type"))
        if error:
            return rx.toast.error(error)
        await self._reload()
        return rx.toast.success("Lesson added.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def rename_lesson(self, lesson_id: int, title: str):
        if isinstance(title, str) and self._titles.get(f"l{lesson_id}") == " ".join(title.split()):
            return None
        lesson, error = await self._act(authoring.rename_lesson, lesson_id, title)
        if error:
            if self._cid:
                await self._reload(bump=True)
            return rx.toast.error(error)
        self._titles[f"l{lesson.id}"] = lesson.title
        return rx.toast.success("Lesson renamed.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def delete_lesson(self, lesson_id: int):
        _, error = await self._act(authoring.delete_lesson, lesson_id, settings=True)
        if error:
            return rx.toast.error(error)
        await self._reload()
        return rx.toast.success("Lesson deleted.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def move_lesson(self, lesson_id: int, module_id: int, position: int):
        _, error = await self._act(authoring.move_lesson, lesson_id, module_id, position)
        if error:
            return rx.toast.error(error)
        await self._reload(bump=True)

    @rx.event
    @guarded(TEACHER_AREA)
    async def toggle_preview(self, lesson_id: int, value: bool):
        lesson, error = await self._act(authoring.set_preview, lesson_id, value)
        if error:
            if self._cid:
                await self._reload(bump=True)
            return rx.toast.error(error)
        return rx.toast.success("Free preview on." if lesson.is_preview else "Free preview off.")

    # -- the lesson dialog ---------------------------------------------------------------------
    @rx.event
    @guarded(TEACHER_AREA)
    async def open_lesson(self, lesson_id: int):
        self.lesson_errors = _blank(LESSON_FIELDS)
        if not self._cid:
            return rx.toast.error("Open a course first.")
        try:
            view = await run_db(authoring_views.lesson_edit_view, current_actor(), lesson_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        self.lesson, self.body_preview, self.lesson_open = view, view["body"], True

    @rx.event
    @guarded(TEACHER_AREA)
    async def lesson_dialog_changed(self, is_open: bool):
        if is_open is not True:
            self.lesson_open = False

    @rx.event
    @guarded(TEACHER_AREA)
    async def preview_body(self, text: str):
        self.body_preview = text[:lesson_types.BODY_MAX] if isinstance(text, str) else ""

    @rx.event
    @guarded(TEACHER_AREA)
    async def save_lesson(self, form: dict):
        self.lesson_errors = _blank(LESSON_FIELDS)
        if not self._cid or not self.lesson["id"]:
            return
        self.lesson_saving = True
        yield
        try:
            _, cleaned = await run_db(authoring.set_lesson_content, current_actor(), self.lesson["id"], form)
        except authoring.FormErrors as exc:
            self.lesson_errors = {**_blank(LESSON_FIELDS), **exc.errors}
            self.lesson_saving = False
            return
        except ServiceError as exc:
            self.lesson_errors = {**_blank(LESSON_FIELDS), (exc.field or "title"): exc.message}
            self.lesson_saving = False
            return
        await self._reload(bump=True)
        self.lesson_saving, self.lesson_open = False, False
        yield (rx.toast.warning("Saved. Raw HTML and unsafe links were removed from the text.") if cleaned
               else rx.toast.success("Lesson saved."))

    @rx.event
    @guarded(TEACHER_AREA)
    async def upload_lesson_file(self, files: list[rx.UploadFile]):
        self.lesson_errors = {**self.lesson_errors, "file": ""}
        if not self._cid or not self.lesson["id"]:
            return
        if not isinstance(files, list) or len(files) != 1 or not isinstance(files[0], rx.UploadFile):
            self.lesson_errors = {**self.lesson_errors, "file": "Choose one file."}
            return
        limit = authoring.upload_limit(self.lesson["lesson_type"])
        if not limit:
            self.lesson_errors = {**self.lesson_errors, "file": "This kind of lesson does not take a file."}
            return
        self.lesson_uploading = True
        yield
        upload = files[0]
        # One byte past the limit is enough to refuse an oversized file without holding it all.
        data = await upload.read(limit + 1)
        name = getattr(upload, "name", None) or getattr(upload, "filename", "") or ""
        _, error = await self._act(authoring.set_lesson_file, self.lesson["id"], data, str(name), settings=True)
        self.lesson_uploading = False
        if error:
            self.lesson_errors = {**self.lesson_errors, "file": error}
            return
        self.lesson = await run_db(authoring_views.lesson_edit_view, current_actor(), self.lesson["id"])
        await self._reload()
        yield rx.toast.success("File uploaded.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def remove_lesson_file(self):
        if not self._cid or not self.lesson["id"]:
            return
        _, error = await self._act(authoring.remove_lesson_file, self.lesson["id"], settings=True)
        if error:
            return rx.toast.error(error)
        self.lesson = await run_db(authoring_views.lesson_edit_view, current_actor(), self.lesson["id"])
        await self._reload()
        return rx.toast.success("File removed.")

    # -- review --------------------------------------------------------------------------------
    @rx.event
    @guarded(TEACHER_AREA)
    async def submit_for_review(self):
        self.review_error = ""
        if not self._cid:
            return rx.toast.error("Open a course first.")
        try:
            await run_db(review.submit, current_actor(), self._cid)
        except review.Incomplete as exc:
            self.missing = exc.missing
            self.review_error = exc.message
            return rx.toast.error("The course is not ready for review yet.")
        except ServiceError as exc:
            self.review_error = exc.message
            return rx.toast.error(exc.message)
        await self._reload()
        return rx.toast.success("Submitted. An admin will review your course.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def withdraw(self):
        _, error = await self._act(review.withdraw, self._cid)
        if error:
            return rx.toast.error(error)
        await self._reload()
        return rx.toast.success("Withdrawn from review. You can edit the course again.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def archive(self):
        _, error = await self._act(review.archive, self._cid, "")
        if error:
            return rx.toast.error(error)
        await self._reload()
        return rx.toast.success("Course archived: it is no longer listed in the catalog.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def delete_course(self):
        _, error = await self._act(authoring.delete_course, self._cid, settings=True)
        if error:
            return rx.toast.error(error)
        self._cid = 0
        return [rx.toast.success("Course deleted."), rx.redirect("/teach")]


S = CourseEditorState
# A course waiting for review is read-only (the services refuse too); controls show it.
LOCKED = S.details["status"] == "pending"


# --- UI pieces -----------------------------------------------------------------------------------

def _label(text: str, html_for: str) -> rx.Component:
    return rx.el.label(text, html_for=html_for, style={"fontSize": "var(--font-size-2)", "fontWeight": "500"})


def _error(message: rx.Var) -> rx.Component:
    return rx.cond(message != "", rx.text(message, size="1", color=rx.color("red", 11), role="alert"))


def _select(label: str, name: str, options, value: rx.Var, error: rx.Var) -> rx.Component:
    return rx.vstack(
        _label(label, f"field-{name}"),
        rx.el.select(*options, id=f"field-{name}", name=name, default_value=value, class_name="lms-native-select"),
        _error(error), spacing="1", width="100%", align="start",
    )


def _confirm(trigger: rx.Component, title: str, text: str | rx.Var, action_label: str, on_confirm) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(text),
            rx.hstack(rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                      rx.alert_dialog.action(rx.button(action_label, color_scheme="red", on_click=on_confirm)),
                      spacing="3", justify="end", margin_top="1rem"),
        ),
    )


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
                  max_length=authoring.TITLE_MAX),
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
                _select("Currency", "currency", [rx.el.option(c, value=c) for c in authoring.CURRENCIES],
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
            rx.vstack(
                _label("What you will learn (one point per line, up to 10)", "field-outcomes"),
                rx.text_area(id="field-outcomes", name="outcomes", default_value=d["outcomes_text"], rows="5",
                             width="100%"),
                _error(e["outcomes"]),
                spacing="1", width="100%", align="start",
            ),
            rx.hstack(
                rx.button(rx.icon("save", size=16), "Save details", type="submit", loading=S.saving, disabled=LOCKED),
                rx.text("Estimated duration: ", d["duration_label"], " (from the lessons)", size="2",
                        color=rx.color("gray", 11)),
                align="center", spacing="4", wrap="wrap",
            ),
            spacing="4", width="100%", align="start",
        ),
        on_submit=S.save_details, reset_on_submit=False, width="100%", key=S.version.to_string() + "-details",
    )
    thumb = rx.card(
        rx.vstack(
            rx.heading("Thumbnail", size="3", as_="h3"),
            _thumbnail_preview(),
            rx.text("PNG, JPEG or WebP, up to 5 MB. It is cropped to 16:9.", size="1", color=rx.color("gray", 11)),
            rx.hstack(
                rx.upload.root(
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
    return rx.grid(rx.card(form, size="3", width="100%"), thumb,
                   columns=rx.breakpoints(initial="1", lg="3fr 1fr"), spacing="5", width="100%", align_items="start")


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
                rx.text(module["lesson_count"], " lessons", size="1", color=rx.color("gray", 10), white_space="nowrap"),
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
                         max_length=160, flex="1"),
                rx.button(rx.icon("plus", size=16), "Add module", type="submit", disabled=LOCKED),
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
            rx.upload.root(
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


def _header() -> rx.Component:
    d = S.details
    first = S.lessons[0]["id"].to_string()
    return rx.vstack(
        rx.link(rx.hstack(rx.icon("arrow-left", size=14), rx.text("All my courses"), align="center", spacing="1"),
                href="/teach", size="2"),
        rx.hstack(
            rx.heading(d["title"], size="7", as_="h1"),
            status_badge(d["status"]),
            rx.spacer(),
            rx.cond(S.lessons.length() > 0,
                    link_button(rx.icon("eye", size=16), "Preview as a learner",
                                href="/learn/" + d["slug"] + "/" + first + "?as=learner", variant="soft")),
            rx.cond(S.lessons.length() > 0,
                    link_button(rx.icon("book-open", size=16), "Open lessons", href="/learn/" + d["slug"] + "/" + first,
                                variant="soft", color_scheme="gray")),
            rx.cond(d["status"] == "published",
                    link_button(rx.icon("external-link", size=16), "Course page", href="/courses/" + d["slug"],
                                variant="soft", color_scheme="gray")),
            align="center", spacing="3", wrap="wrap", width="100%",
        ),
        spacing="2", width="100%", margin_bottom="1rem",
    )


def page() -> rx.Component:
    return page_shell(
        rx.cond(
            S.loaded,
            rx.cond(
                S.not_found,
                empty_state("search-x", "Course not found",
                            "It may have been deleted, or it belongs to another teacher.",
                            link_button("Back to my courses", href="/teach")),
                rx.vstack(
                    _header(),
                    rx.cond(S.details["status"] == "pending",
                            rx.callout("This course is waiting for review, so it cannot be changed right now. "
                                       "Withdraw it on the Review tab to edit.", icon="lock", color_scheme="amber",
                                       width="100%")),
                    rx.tabs.root(
                        rx.tabs.list(rx.tabs.trigger("Details", value="details"),
                                     rx.tabs.trigger("Curriculum", value="curriculum"),
                                     rx.tabs.trigger("Review", value="review")),
                        rx.tabs.content(_details_tab(), value="details", padding_top="1.25rem"),
                        rx.tabs.content(_curriculum_tab(), value="curriculum", padding_top="1.25rem"),
                        rx.tabs.content(_review_tab(), value="review", padding_top="1.25rem"),
                        value=S.tab, on_change=S.choose_tab, width="100%",
                    ),
                    _lesson_dialog(),
                    spacing="3", width="100%",
                ),
            ),
            loading_block(),
        ),
    )


ROUTE = "/teach/courses/[course_id]"
TITLE = "Edit course"
ON_LOAD = [AuthState.refresh, CourseEditorState.load]
