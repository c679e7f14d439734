"""REST for teachers: my courses, and who is enrolled in one of them."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel

from lms_app.api.deps import require
from lms_app.api.dto import model_of
from lms_app.api.errors import ApiError, responses
from lms_app.api.services.tokens import Principal
from lms_app.authoring.services import roster, views
from lms_app.authoring.views import TeacherCourseRow
from lms_app.core.db import run_db
from lms_app.core.errors import PermissionDenied, ServiceError

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
