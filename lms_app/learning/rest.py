"""REST: my enrolments with progress, free enrolment, lesson completion, video position and
course progress (the dashboard's and the lesson page's services), and course reviews (the course
page's review service)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, Field

from lms_app.api.deps import optional_principal, require
from lms_app.api.dto import model_of
from lms_app.api.errors import not_found, responses
from lms_app.api.services.tokens import Principal
from lms_app.core.db import run_db
from lms_app.core.users import User
from lms_app.learning.services import dashboards, enrollment, progress, reviews
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


# --- video position and course progress ------------------------------------------------------

class Position(BaseModel):
    lesson_id: int
    position: int = Field(description="Seconds into the video")
    completed: bool
    done: int
    total: int
    percent: int
    course_complete: bool


class PositionRequest(BaseModel):
    position: int = Field(ge=0, le=progress.MAX_POSITION_SECONDS, description="Seconds into the video")
    duration: int | None = Field(default=None, ge=0, le=progress.MAX_POSITION_SECONDS,
                                 description="The video's length as the player sees it (used when unknown)")


def _position(lesson_id: int, position: int, completed: bool, state: progress.CourseProgress) -> Position:
    return Position(lesson_id=lesson_id, position=position, completed=completed, done=state.done, total=state.total,
                    percent=state.percent, course_complete=bool(state.total and state.done >= state.total))


@router.get("/lessons/{lesson_id}/position", response_model=Position, responses=responses(401, 403, 422, 429),
            summary="My saved video position in a lesson, and whether it is complete")
async def get_position(lesson_id: int = ID, principal: Principal = Depends(require("read"))) -> Position:
    position, completed, state = await run_db(progress.lesson_state, principal.actor, lesson_id)
    return _position(lesson_id, position, completed, state)


@router.put("/lessons/{lesson_id}/position", response_model=Position, responses=responses(401, 403, 422, 429),
            summary="Save my video position (the lesson completes under the course's completion rule)")
async def save_position(body: PositionRequest, lesson_id: int = ID,
                        principal: Principal = Depends(require("learn"))) -> Position:
    return _position(lesson_id, *await run_db(_save_position, principal.actor, lesson_id, body.position, body.duration))


def _save_position(session, actor, lesson_id: int, position: int, duration: int | None):
    completed, state = progress.save_position(session, actor, lesson_id, position, duration)
    saved, _, _ = progress.lesson_state(session, actor, lesson_id)  # as stored (capped at the video's length)
    return saved, completed, state


class LessonProgressItem(BaseModel):
    lesson_id: int
    completed: bool
    position: int


class CourseProgressView(BaseModel):
    course_id: int
    slug: str
    done: int
    total: int
    percent: int
    course_complete: bool
    continue_lesson_id: int
    lessons: list[LessonProgressItem]


@router.get("/me/courses/{slug}/progress", response_model=CourseProgressView, responses=responses(401, 403, 422, 429),
            summary="My progress in a course I am enrolled in, lesson by lesson")
async def course_progress(slug: str = Path(max_length=120, pattern=SLUG),
                          principal: Principal = Depends(require("read"))) -> CourseProgressView:
    course, state, lessons, resume = await run_db(progress.course_state, principal.actor, slug)
    return CourseProgressView(course_id=course.id, slug=course.slug, done=state.done, total=state.total,
                              percent=state.percent, course_complete=bool(state.total and state.done >= state.total),
                              continue_lesson_id=resume,
                              lessons=[LessonProgressItem(lesson_id=lid, completed=c, position=p)
                                       for lid, (c, p) in lessons.items()])


# --- reviews ------------------------------------------------------------------------------------

class ReviewRequest(BaseModel):
    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=reviews.COMMENT_MAX)


class CourseReviews(BaseModel):
    course_id: int
    reviews: list[model_of(reviews.ReviewView)]


def _reviews(session, viewer, slug: str):
    course = reviews.course_for_reviews(session, viewer, slug)
    return None if course is None else (course.id, reviews.for_course(session, viewer, course.id))


def _save_review(session, actor, slug: str, rating: int, comment: str):
    course = reviews.course_for_reviews(session, actor, slug)
    if course is None:
        return None
    review = reviews.save(session, actor, course.id, rating, comment)
    name = session.get(User, actor.user_id).name
    return reviews.review_view(review, name, actor)


def _delete_review(session, actor, slug: str):
    course = reviews.course_for_reviews(session, actor, slug)
    return None if course is None else reviews.delete(session, actor, course.id)


@router.get("/courses/{slug}/reviews", response_model=CourseReviews, responses=responses(401, 404, 429),
            summary="A course's reviews, newest first (public)")
async def list_reviews(slug: str = Path(max_length=120, pattern=SLUG),
                       principal: Principal | None = Depends(optional_principal)) -> CourseReviews:
    found = await run_db(_reviews, principal.actor if principal else None, slug)
    if found is None:
        raise not_found("That course")
    return CourseReviews(course_id=found[0], reviews=found[1])


@router.put("/courses/{slug}/review", response_model=model_of(reviews.ReviewView),
            responses=responses(401, 403, 404, 422, 429),
            summary="Write or edit my review of a course I am enrolled in")
async def save_review(body: ReviewRequest, slug: str = Path(max_length=120, pattern=SLUG),
                      principal: Principal = Depends(require("learn"))):
    view = await run_db(_save_review, principal.actor, slug, body.rating, body.comment)
    if view is None:
        raise not_found("That course")
    return view


@router.delete("/courses/{slug}/review", status_code=204, response_class=Response,
               responses=responses(401, 403, 404, 429), summary="Delete my review of a course")
async def delete_review(slug: str = Path(max_length=120, pattern=SLUG),
                        principal: Principal = Depends(require("learn"))) -> Response:
    deleted = await run_db(_delete_review, principal.actor, slug)
    if not deleted:
        raise not_found("Your review")
    return Response(status_code=204)
