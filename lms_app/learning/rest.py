"""REST: my enrolments with progress, free enrolment, lesson completion (the dashboard's and the
lesson page's services)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel

from lms_app.api.deps import require
from lms_app.api.dto import model_of
from lms_app.api.errors import responses
from lms_app.api.services.tokens import Principal
from lms_app.core.db import run_db
from lms_app.learning.services import dashboards, enrollment, progress
from lms_app.learning.services.dashboards import LearningView

router = APIRouter(tags=["learning"])
ID = Path(ge=1, le=2_147_483_647)
SLUG = r"^[A-Za-z0-9][A-Za-z0-9-]{0,119}$"


class MyLearning(BaseModel):
    in_progress: list[model_of(LearningView)]
    completed: list[model_of(LearningView)]


class Enrolled(BaseModel):
    course_id: int
    slug: str
    enrolled: bool = True


class Progress(BaseModel):
    lesson_id: int
    completed: bool
    done: int
    total: int
    percent: int
    course_complete: bool


@router.get("/me/enrollments", response_model=MyLearning, responses=responses(401, 403, 429),
            summary="My courses, in progress and completed, with progress")
async def my_enrollments(principal: Principal = Depends(require("read"))) -> MyLearning:
    return MyLearning(**await run_db(dashboards.learner_learning, principal.actor))


@router.post("/courses/{slug}/enroll", response_model=Enrolled, responses=responses(401, 403, 422, 429),
             summary="Enrol in a free course (idempotent)")
async def enroll(slug: str = Path(max_length=120, pattern=SLUG), principal: Principal = Depends(require("learn"))) -> Enrolled:
    course = await run_db(enrollment.enroll_free, principal.actor, slug)
    return Enrolled(course_id=course.id, slug=course.slug)


async def _mark(principal: Principal, lesson_id: int, complete: bool) -> Progress:
    state = await run_db(progress.mark_complete, principal.actor, lesson_id, complete)
    return Progress(lesson_id=lesson_id, completed=complete, done=state.done, total=state.total,
                    percent=state.percent, course_complete=bool(state.total and state.done >= state.total))


@router.post("/lessons/{lesson_id}/complete", response_model=Progress, responses=responses(401, 403, 422, 429),
             summary="Mark a lesson complete (idempotent)")
async def complete(lesson_id: int = ID, principal: Principal = Depends(require("learn"))) -> Progress:
    return await _mark(principal, lesson_id, True)


@router.delete("/lessons/{lesson_id}/complete", response_model=Progress, responses=responses(401, 403, 422, 429),
               summary="Mark a lesson not complete")
async def uncomplete(lesson_id: int = ID, principal: Principal = Depends(require("learn"))) -> Progress:
    return await _mark(principal, lesson_id, False)
