"""The course editor (/teach/courses/<id>): details, curriculum and review, for the owner or an admin.

State design: the curriculum (``modules``/``lessons``) is re-sent only when its shape changes
(add, delete, move). Renaming a lesson or module goes through an uncontrolled input whose
``on_blur`` saves; the handler keeps the saved title in a backend-only dict and touches no
public var, so a rename in a 200-lesson course sends a toast and nothing else. The preview
switch is uncontrolled for the same reason.
"""

from __future__ import annotations

import reflex as rx

from lms_app.core.db import run_db
from lms_app.authoring.views import CourseDetailsView, HistoryRow, LessonEditView, LessonRow, ModuleRow
from lms_app.authoring.services import (
    courses as authoring,
    checks as authoring_checks,
    views as authoring_views,
    curriculum,
    review,
)
from lms_app.core import lesson_types
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import TEACHER_AREA
from lms_app.core.settings import get_settings
from lms_app.ui.forms import blank_errors
from lms_app.authoring.pages.course_editor.defaults import (
    DETAIL_FIELDS,
    LESSON_FIELDS,
    TABS,
    empty_details,
    empty_lesson,
)
from lms_app.core.guard import current_actor, guarded

def _editor_bundle(session, actor, course_id):
    data = authoring_views.editor(session, actor, course_id)
    data["history"] = review.history(session, actor, course_id)
    return data


class CourseEditorState(rx.State):
    details: CourseDetailsView = empty_details()
    categories: list[dict[str, str]] = []
    modules: list[ModuleRow] = []
    lessons: list[LessonRow] = []
    missing: list[str] = []
    history: list[HistoryRow] = []
    errors: dict[str, str] = blank_errors(DETAIL_FIELDS)
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
    lesson: LessonEditView = empty_lesson()
    lesson_errors: dict[str, str] = blank_errors(LESSON_FIELDS)
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
        self.errors, self.review_error = blank_errors(DETAIL_FIELDS), ""
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
        self.errors = blank_errors(DETAIL_FIELDS)
        if not self._cid:
            yield rx.toast.error("Open a course first.")
            return
        self.saving = True
        yield
        try:
            _, cleaned = await run_db(authoring.update_details, current_actor(), self._cid, form)
        except authoring_checks.FormErrors as exc:
            self.errors = {**blank_errors(DETAIL_FIELDS), **exc.errors}
            self.saving = False
            yield rx.toast.error("Nothing was saved. Check the highlighted fields.")
            return
        except ServiceError as exc:
            self.errors = {**blank_errors(DETAIL_FIELDS), (exc.field or "title"): exc.message}
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
        _, error = await self._act(curriculum.add_module, self._cid, title)
        if error:
            return rx.toast.error(error)
        await self._reload()
        return rx.toast.success("Module added.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def rename_module(self, module_id: int, title: str):
        if isinstance(title, str) and self._titles.get(f"m{module_id}") == " ".join(title.split()):
            return None
        module, error = await self._act(curriculum.rename_module, module_id, title)
        if error:
            if self._cid:
                await self._reload(bump=True)
            return rx.toast.error(error)
        self._titles[f"m{module.id}"] = module.title
        return rx.toast.success("Module renamed.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def delete_module(self, module_id: int):
        _, error = await self._act(curriculum.delete_module, module_id, settings=True)
        if error:
            return rx.toast.error(error)
        await self._reload()
        return rx.toast.success("Module deleted with its lessons.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def move_module(self, module_id: int, position: int):
        _, error = await self._act(curriculum.move_module, module_id, position)
        if error:
            return rx.toast.error(error)
        await self._reload(bump=True)

    # -- lessons -------------------------------------------------------------------------------
    @rx.event
    @guarded(TEACHER_AREA)
    async def add_lesson(self, form: dict):
        form = form if isinstance(form, dict) else {}
        _, error = await self._act(curriculum.add_lesson, form.get("module_id"), form.get("title"),
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
        lesson, error = await self._act(curriculum.rename_lesson, lesson_id, title)
        if error:
            if self._cid:
                await self._reload(bump=True)
            return rx.toast.error(error)
        self._titles[f"l{lesson.id}"] = lesson.title
        return rx.toast.success("Lesson renamed.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def delete_lesson(self, lesson_id: int):
        _, error = await self._act(curriculum.delete_lesson, lesson_id, settings=True)
        if error:
            return rx.toast.error(error)
        await self._reload()
        return rx.toast.success("Lesson deleted.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def move_lesson(self, lesson_id: int, module_id: int, position: int):
        _, error = await self._act(curriculum.move_lesson, lesson_id, module_id, position)
        if error:
            return rx.toast.error(error)
        await self._reload(bump=True)

    @rx.event
    @guarded(TEACHER_AREA)
    async def toggle_preview(self, lesson_id: int, value: bool):
        lesson, error = await self._act(curriculum.set_preview, lesson_id, value)
        if error:
            if self._cid:
                await self._reload(bump=True)
            return rx.toast.error(error)
        return rx.toast.success("Free preview on." if lesson.is_preview else "Free preview off.")

    # -- the lesson dialog ---------------------------------------------------------------------
    @rx.event
    @guarded(TEACHER_AREA)
    async def open_lesson(self, lesson_id: int):
        self.lesson_errors = blank_errors(LESSON_FIELDS)
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
        self.lesson_errors = blank_errors(LESSON_FIELDS)
        if not self._cid or not self.lesson["id"]:
            return
        self.lesson_saving = True
        yield
        try:
            _, cleaned = await run_db(curriculum.set_lesson_content, current_actor(), self.lesson["id"], form)
        except authoring_checks.FormErrors as exc:
            self.lesson_errors = {**blank_errors(LESSON_FIELDS), **exc.errors}
            self.lesson_saving = False
            return
        except ServiceError as exc:
            self.lesson_errors = {**blank_errors(LESSON_FIELDS), (exc.field or "title"): exc.message}
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
        limit = curriculum.upload_limit(self.lesson["lesson_type"])
        if not limit:
            self.lesson_errors = {**self.lesson_errors, "file": "This kind of lesson does not take a file."}
            return
        self.lesson_uploading = True
        yield
        upload = files[0]
        # The upload's spooled file goes to the service, which streams it to storage in chunks
        # and stops at the limit: a 200 MB video is never held in memory (core/storage.py).
        name = getattr(upload, "name", None) or getattr(upload, "filename", "") or ""
        _, error = await self._act(curriculum.set_lesson_file, self.lesson["id"], upload.file, str(name),
                                   settings=True)
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
        _, error = await self._act(curriculum.remove_lesson_file, self.lesson["id"], settings=True)
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
