"""REST for teachers: the grading queue (submissions awaiting a teacher grade) and grading one
submission, through the grading page's own services (course teacher or admin)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from lms_app.api.deps import require
from lms_app.api.dto import model_of
from lms_app.api.errors import responses
from lms_app.api.services.tokens import Principal
from lms_app.api.staff import MAX_ID, call
from lms_app.assignments.services import grading
from lms_app.assignments.views import CriterionView, GradingView, QueueRow

router = APIRouter(tags=["teaching"])


class GradingQueue(BaseModel):
    rows: list[model_of(QueueRow)]
    total: int
    page: int
    pages: int


class Submission(BaseModel):
    view: model_of(GradingView)
    criteria: list[model_of(CriterionView)]
    status: str


class GradeIn(BaseModel):
    model_config = {"extra": "forbid"}
    scores: dict[str, int] = Field(description="criterion id → chosen level index (0-based), every criterion",
                                   max_length=50)
    feedback: str = Field(max_length=20_000)


class Graded(BaseModel):
    id: int
    status: str
    percent: int | None
    passed: bool | None


def _queue(session, actor, page):
    rows, total = grading.queue(session, actor, page)
    return GradingQueue(rows=rows, total=total, page=page, pages=max(1, -(-total // grading.PAGE_SIZE)))


def _grade(session, actor, submission_id, body: GradeIn):
    sub = grading.grade(session, actor, submission_id, body.scores, body.feedback)
    return Graded(id=sub.id, status=sub.status, percent=sub.percent, passed=sub.passed)


@router.get("/teach/grading", response_model=GradingQueue, responses=responses(401, 403, 429),
            summary="Submissions waiting for my grade, oldest first (admins: all)")
async def grading_queue(page: int = Query(1, ge=1, le=100_000), principal: Principal = Depends(require("teach"))):
    return await call(_queue, principal.actor, page)


@router.get("/teach/submissions/{submission_id}", response_model=Submission, responses=responses(401, 403, 404, 429),
            summary="One submission with its rubric")
async def submission(submission_id: int = Path(ge=1, le=MAX_ID), principal: Principal = Depends(require("teach"))):
    return await call(grading.grading_view, principal.actor, submission_id)


@router.post("/teach/submissions/{submission_id}/grade", response_model=Graded,
             responses=responses(401, 403, 404, 422, 429), summary="Grade a submission waiting in my queue")
async def grade(body: GradeIn, submission_id: int = Path(ge=1, le=MAX_ID),
                principal: Principal = Depends(require("teach"))):
    return await call(_grade, principal.actor, submission_id, body)
