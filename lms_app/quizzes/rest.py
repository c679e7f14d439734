"""REST: taking a quiz (the player's services in ``services/attempts.py``): the quiz as I may see
it, start an attempt, save answers, submit, and the result.

Nothing here decides a rule. The attempt's questions come from ``attempt_questions`` (prompt
and options only); the answer key, the correct flags and the explanations come only from
``feedback``, which is empty unless the attempt is submitted and the quiz's ``show_answers``
setting allows it. Attempt limits, the time limit and a second submission are the service's."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Union

from fastapi import APIRouter, Body, Depends, Path
from pydantic import BaseModel, Field

from lms_app.api.deps import require
from lms_app.api.dto import model_of
from lms_app.api.errors import responses
from lms_app.api.services.tokens import Principal
from lms_app.core.db import run_db
from lms_app.quizzes.models import AttemptQuestionView, AttemptRowView, FeedbackView, QuizAttempt, QuizInfoView
from lms_app.quizzes.services import attempts

router = APIRouter(tags=["quizzes"])
LESSON = Path(ge=1, le=2_147_483_647)
ATTEMPT = Path(ge=1, le=2_147_483_647)
Answer = Union[int, str, list[Union[int, str]], None]  # noqa: UP007


class QuizOverview(BaseModel):
    mode: Literal["learner", "staff", "visitor", "empty"]
    info: model_of(QuizInfoView) | None
    attempts_left: int | None = Field(description="None: unlimited")
    passed: bool
    completed: bool
    current_attempt_id: int | None
    history: list[model_of(AttemptRowView)]


class Result(BaseModel):
    score: int
    max_score: int
    percent: int
    passed: bool
    pass_percent: int
    show_key: bool = Field(description="Whether the quiz's settings let this attempt's answers be shown")
    feedback: list[model_of(FeedbackView)] = Field(description="Per question, only when show_key")


class Attempt(BaseModel):
    id: int
    lesson_id: int
    number: int
    status: Literal["in_progress", "submitted"]
    started_at: datetime
    deadline_at: datetime | None
    submitted_at: datetime | None
    questions: list[model_of(AttemptQuestionView)] = Field(description="Prompts, options and my saved answers")
    result: Result | None
    lesson_completed: bool = Field(False, description="This submission completed the lesson")


class AnswersRequest(BaseModel):
    answers: dict[str, Answer] = Field(max_length=500, description="{question id: option id, option ids or text}")


class SubmitRequest(BaseModel):
    answers: dict[str, Answer] = Field(default_factory=dict, max_length=500,
                                       description="Answers saved before grading (optional)")


def _attempt(attempt: QuizAttempt, show_key: bool, completed: bool = False) -> Attempt:
    result = None
    if attempt.status == "submitted":
        result = Result(score=attempt.score or 0, max_score=attempt.max_score, percent=attempt.percent or 0,
                        passed=bool(attempt.passed), pass_percent=attempt.pass_percent, show_key=show_key,
                        feedback=attempts.feedback(attempt, show_key))
    return Attempt(id=attempt.id, lesson_id=attempt.lesson_id, number=attempt.attempt_no, status=attempt.status,
                   started_at=attempt.started_at, deadline_at=attempt.deadline_at, submitted_at=attempt.submitted_at,
                   questions=attempts.attempt_questions(attempt), result=result, lesson_completed=completed)


def _overview(session, actor, lesson_id: int) -> QuizOverview:
    data = attempts.player(session, actor, lesson_id)
    return QuizOverview(mode=data.mode, info=data.info, attempts_left=data.attempts_left, passed=data.passed_ever,
                        completed=data.completed, current_attempt_id=data.current.id if data.current else None,
                        history=data.history)


def _start(session, actor, lesson_id: int) -> Attempt:
    return _attempt(attempts.start_attempt(session, actor, lesson_id), False)


def _get(session, actor, attempt_id: int) -> Attempt:
    return _attempt(*attempts.learner_attempt(session, actor, attempt_id))


def _save(session, actor, attempt_id: int, answers: dict) -> Attempt:
    return _attempt(attempts.save_answers(session, actor, attempt_id, answers), False)


def _submit(session, actor, attempt_id: int, answers: dict) -> Attempt:
    outcome = attempts.submit_attempt(session, actor, attempt_id, answers)
    attempt, show_key = attempts.review(session, actor, outcome.attempt.id)
    return _attempt(attempt, show_key, outcome.newly_completed)


@router.get("/quizzes/{lesson_id}", response_model=QuizOverview, responses=responses(401, 403, 422, 429),
            summary="A quiz lesson as I may see it: settings, my attempts, attempts left")
async def quiz(lesson_id: int = LESSON, principal: Principal = Depends(require("read"))) -> QuizOverview:
    return await run_db(_overview, principal.actor, lesson_id)


@router.post("/quizzes/{lesson_id}/attempts", response_model=Attempt, responses=responses(401, 403, 422, 429),
             summary="Start an attempt (or get the one in progress); refused when no attempts are left")
async def start(lesson_id: int = LESSON, principal: Principal = Depends(require("learn"))) -> Attempt:
    return await run_db(_start, principal.actor, lesson_id)


@router.get("/quiz-attempts/{attempt_id}", response_model=Attempt, responses=responses(401, 403, 422, 429),
            summary="One of my attempts: its questions, and the result once submitted")
async def get_attempt(attempt_id: int = ATTEMPT, principal: Principal = Depends(require("read"))) -> Attempt:
    return await run_db(_get, principal.actor, attempt_id)


@router.put("/quiz-attempts/{attempt_id}/answers", response_model=Attempt, responses=responses(401, 403, 422, 429),
            summary="Save answers to an attempt in progress (refused after the time limit)")
async def save_answers(body: AnswersRequest, attempt_id: int = ATTEMPT,
                       principal: Principal = Depends(require("learn"))) -> Attempt:
    return await run_db(_save, principal.actor, attempt_id, body.answers)


@router.post("/quiz-attempts/{attempt_id}/submit", response_model=Attempt, responses=responses(401, 403, 422, 429),
             summary="Submit an attempt for grading (a second submission returns the first result)")
async def submit(attempt_id: int = ATTEMPT, body: SubmitRequest | None = Body(None),
                 principal: Principal = Depends(require("learn"))) -> Attempt:
    return await run_db(_submit, principal.actor, attempt_id, body.answers if body else {})
