"""REST for teachers: my courses and who is enrolled, and course authoring (details, modules, lessons,
reorder, lesson files, submit for review) through the course editor's own services."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException

from lms_app.api.app import upload
from lms_app.api.deps import require
from lms_app.api.dto import model_of
from lms_app.api.errors import ApiError, responses
from lms_app.api.schemas import Ok
from lms_app.api.services.tokens import Principal
from lms_app.api.staff import MAX_ID, Position, call
from lms_app.authoring.services import courses, curriculum, review, roster, views
from lms_app.authoring.views import CourseDetailsView, LessonEditView, LessonRow, ModuleRow, TeacherCourseRow
from lms_app.core.db import run_db
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.request_guard import MULTIPART_SLACK, upload_limit
from lms_app.core.settings import get_settings

router = APIRouter(tags=["teaching"])


class Roster(BaseModel):
    rows: list[model_of(roster.RosterRowView)]
    total: int
    page: int
    pages: int


@router.get("/teach/courses", response_model=list[model_of(TeacherCourseRow)], responses=responses(401, 403, 429),
            summary="The courses I teach, any status")
async def my_courses(principal: Principal = Depends(require("teach"))):
    return await run_db(views.teacher_rows, principal.actor)


@router.get("/teach/courses/{course_id}/enrollments", response_model=Roster, responses=responses(401, 403, 404, 429),
            summary="Learners enrolled in one of my courses")
async def course_enrollments(course_id: int = Path(ge=1, le=2_147_483_647), page: int = Query(1, ge=1, le=100_000),
                             principal: Principal = Depends(require("teach"))) -> Roster:
    try:
        return Roster(**await run_db(roster.enrollments, principal.actor, course_id, page))
    except PermissionDenied:
        raise
    except ServiceError as exc:
        raise ApiError(404, exc.message, "not_found") from None


# --- course authoring (the course editor's services) ---------------------------------------------
def Id():
    return Path(ge=1, le=MAX_ID)
_STRICT = {"extra": "forbid"}


class Title(BaseModel):
    model_config = _STRICT
    title: str = Field(min_length=1, max_length=200)


class CourseDetailsIn(BaseModel):
    """The course details form: every field at once (a missing optional field is emptied)."""

    model_config = _STRICT
    title: str = Field(max_length=200)
    subtitle: str = Field("", max_length=300)
    description: str = Field("", max_length=20_000)
    slug: str = Field("", max_length=120, description="Empty keeps the current web address")
    category_id: int | None = Field(None, ge=1, le=MAX_ID)
    level: Literal["beginner", "intermediate", "advanced"] = "beginner"
    language: str = Field("en", max_length=5)
    currency: str = Field("USD", max_length=3)
    price: str = Field("0", max_length=20, description="In the currency's units, like 19.99 (0: free)")
    outcomes: list[str] = Field(default_factory=list, max_length=50)
    sequential: bool = False


class Curriculum(BaseModel):
    modules: list[model_of(ModuleRow)]
    lessons: list[model_of(LessonRow)]


class Editor(Curriculum):
    details: model_of(CourseDetailsView)
    missing: list[str] = Field(description="What the course still needs before it can be submitted for review")


class LessonIn(Title):
    lesson_type: str = Field(min_length=1, max_length=40, description="A lesson type key, e.g. text, video, pdf")


class LessonContentIn(BaseModel):
    model_config = _STRICT
    title: str = Field(min_length=1, max_length=200)
    minutes: int = Field(0, ge=0, le=100_000)
    body: str | None = Field(None, max_length=60_000)
    video_url: str | None = Field(None, max_length=2_000)
    is_preview: bool | None = Field(None, description="Free preview for visitors (unchanged when absent)")


class LessonMove(Position):
    module_id: int = Field(ge=1, le=MAX_ID, description="The module to move to (this one or another of the course)")


def _editor(session, actor, course_id) -> Editor:
    found = views.editor(session, actor, course_id)
    return Editor(details=found["details"], modules=found["modules"], lessons=found["lessons"],
                  missing=found["missing"])


def _curriculum(session, course_id: int) -> Curriculum:
    modules, lessons = views.curriculum(session, course_id)
    return Curriculum(modules=modules, lessons=lessons)


def _create(session, actor, title):
    return views.details_view(courses.create_course(session, actor, title))


def _update(session, actor, course_id, body: CourseDetailsIn):
    form = body.model_dump()
    form["category_id"] = form["category_id"] or ""
    form["sequential"] = bool(form["sequential"])
    course, _ = courses.update_details(session, actor, course_id, form)
    return views.details_view(course)


def _submit(session, actor, course_id):
    return views.details_view(review.submit(session, actor, course_id))


def _module_add(session, actor, course_id, title):
    module = curriculum.add_module(session, actor, course_id, title)
    return _curriculum(session, module.course_id)


def _module_rename(session, actor, module_id, title):
    module = curriculum.rename_module(session, actor, module_id, title)
    return _curriculum(session, module.course_id)


def _module_move(session, actor, module_id, position):
    curriculum.move_module(session, actor, module_id, position)
    _, course = courses.module_for(session, actor, module_id)
    return _curriculum(session, course.id)


def _module_delete(session, actor, module_id):
    curriculum.delete_module(session, get_settings(), actor, module_id)
    return Ok()


def _lesson_add(session, actor, module_id, body: LessonIn):
    lesson = curriculum.add_lesson(session, actor, module_id, body.title, body.lesson_type)
    return views.lesson_edit_view(session, actor, lesson.id)


def _lesson_save(session, actor, lesson_id, body: LessonContentIn):
    form = {k: v for k, v in body.model_dump().items() if v is not None and k != "is_preview"}
    form["minutes"] = str(body.minutes)
    curriculum.set_lesson_content(session, actor, lesson_id, form)
    if body.is_preview is not None:
        curriculum.set_preview(session, actor, lesson_id, body.is_preview)
    return views.lesson_edit_view(session, actor, lesson_id)


def _lesson_move(session, actor, lesson_id, module_id, position):
    curriculum.move_lesson(session, actor, lesson_id, module_id, position)
    _, course = courses.lesson_for(session, actor, lesson_id)
    return _curriculum(session, course.id)


def _lesson_delete(session, actor, lesson_id):
    curriculum.delete_lesson(session, get_settings(), actor, lesson_id)
    return Ok()


def _file_store(session, actor, lesson_id, data, filename):
    curriculum.set_lesson_file(session, get_settings(), actor, lesson_id, data, filename)
    return views.lesson_edit_view(session, actor, lesson_id)


def _file_remove(session, actor, lesson_id):
    curriculum.remove_lesson_file(session, get_settings(), actor, lesson_id)
    return views.lesson_edit_view(session, actor, lesson_id)


_OWN = responses(401, 403, 404, 422, 429)
_EditorM, _DetailsM, _LessonM = Editor, model_of(CourseDetailsView), model_of(LessonEditView)


@router.post("/teach/courses", response_model=_DetailsM, status_code=201, responses=responses(401, 403, 422, 429),
             summary="Create a draft course")
async def create_course(body: Title, principal: Principal = Depends(require("teach"))):
    return await call(_create, principal.actor, body.title)


@router.get("/teach/courses/{course_id}", response_model=_EditorM, responses=_OWN,
            summary="One of my courses: details, modules, lessons and what is missing for review")
async def course_editor(course_id: int = Id(), principal: Principal = Depends(require("teach"))):
    return await call(_editor, principal.actor, course_id)


@router.put("/teach/courses/{course_id}", response_model=_DetailsM, responses=_OWN, summary="Save the course details")
async def update_course(body: CourseDetailsIn, course_id: int = Id(), principal: Principal = Depends(require("teach"))):
    return await call(_update, principal.actor, course_id, body)


@router.post("/teach/courses/{course_id}/submit", response_model=_DetailsM, responses=_OWN,
             summary="Submit the course for review (refused with what is missing)")
async def submit_course(course_id: int = Id(), principal: Principal = Depends(require("teach"))):
    return await call(_submit, principal.actor, course_id)


@router.post("/teach/courses/{course_id}/modules", response_model=Curriculum, status_code=201, responses=_OWN,
             summary="Add a module at the end")
async def add_module(body: Title, course_id: int = Id(), principal: Principal = Depends(require("teach"))):
    return await call(_module_add, principal.actor, course_id, body.title)


@router.patch("/teach/modules/{module_id}", response_model=Curriculum, responses=_OWN, summary="Rename a module")
async def rename_module(body: Title, module_id: int = Id(), principal: Principal = Depends(require("teach"))):
    return await call(_module_rename, principal.actor, module_id, body.title)


@router.post("/teach/modules/{module_id}/move", response_model=Curriculum, responses=_OWN,
             summary="Reorder: move a module to a position")
async def move_module(body: Position, module_id: int = Id(), principal: Principal = Depends(require("teach"))):
    return await call(_module_move, principal.actor, module_id, body.position)


@router.delete("/teach/modules/{module_id}", response_model=Ok, responses=_OWN,
               summary="Delete a module and its lessons")
async def delete_module(module_id: int = Id(), principal: Principal = Depends(require("teach"))):
    return await call(_module_delete, principal.actor, module_id)


@router.post("/teach/modules/{module_id}/lessons", response_model=_LessonM, status_code=201, responses=_OWN,
             summary="Add a lesson at the end of a module")
async def add_lesson(body: LessonIn, module_id: int = Id(), principal: Principal = Depends(require("teach"))):
    return await call(_lesson_add, principal.actor, module_id, body)


@router.get("/teach/lessons/{lesson_id}", response_model=_LessonM, responses=_OWN, summary="One lesson's content")
async def lesson(lesson_id: int = Id(), principal: Principal = Depends(require("teach"))):
    return await call(views.lesson_edit_view, principal.actor, lesson_id)


@router.put("/teach/lessons/{lesson_id}", response_model=_LessonM, responses=_OWN,
            summary="Save a lesson's title, duration, preview flag and its type's fields")
async def save_lesson(body: LessonContentIn, lesson_id: int = Id(), principal: Principal = Depends(require("teach"))):
    return await call(_lesson_save, principal.actor, lesson_id, body)


@router.post("/teach/lessons/{lesson_id}/move", response_model=Curriculum, responses=_OWN,
             summary="Reorder: move a lesson to a position in a module")
async def move_lesson(body: LessonMove, lesson_id: int = Id(), principal: Principal = Depends(require("teach"))):
    return await call(_lesson_move, principal.actor, lesson_id, body.module_id, body.position)


@router.delete("/teach/lessons/{lesson_id}", response_model=Ok, responses=_OWN, summary="Delete a lesson")
async def delete_lesson(lesson_id: int = Id(), principal: Principal = Depends(require("teach"))):
    return await call(_lesson_delete, principal.actor, lesson_id)


UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary", "description": "The lesson's file"}}}}}}}


@upload(lambda: upload_limit() - MULTIPART_SLACK)  # the largest lesson type's; the endpoint applies its own
@router.put("/teach/lessons/{lesson_id}/file", response_model=_LessonM, openapi_extra=UPLOAD_BODY,
            responses=responses(401, 403, 404, 413, 415, 422, 429),
            summary="Upload the lesson's file (multipart/form-data, field 'file'; the lesson type's size limit)")
async def upload_lesson_file(request: Request, lesson_id: int = Id(), principal: Principal = Depends(require("teach"))):
    """The body is read only after the token and the ownership are checked (no one uploads
    megabytes to be refused), and never past the lesson type's limit."""
    kind = await call(curriculum.lesson_type_of, principal.actor, lesson_id)
    limit = curriculum.upload_limit(kind)
    declared = request.headers.get("content-length", "")
    if limit and declared.isdigit() and int(declared) > limit + MULTIPART_SLACK:
        raise ApiError(413, f"The file is larger than this lesson type accepts ({limit // (1024 * 1024)} MB).",
                       "too_large", "file")
    if not limit:
        return await call(_file_store, principal.actor, lesson_id, b"", "")
    try:
        form = await request.form(max_files=1, max_fields=1)
    except (MultiPartException, StarletteHTTPException):  # a malformed multipart body
        raise ApiError(422, "file: send the file as multipart/form-data.", "validation_error", "file") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, StarletteUpload):
            raise ApiError(422, "file: Field required", "validation_error", "file")
        # The spooled file, streamed to storage in chunks by the service (stopped at the limit):
        # a 200 MB video is not held in memory.
        return await call(_file_store, principal.actor, lesson_id, upload.file, upload.filename or "")
    finally:
        await form.close()


@router.delete("/teach/lessons/{lesson_id}/file", response_model=_LessonM, responses=_OWN,
               summary="Remove the lesson's file")
async def remove_lesson_file(lesson_id: int = Id(), principal: Principal = Depends(require("teach"))):
    return await call(_file_remove, principal.actor, lesson_id)
