"""REST: a teacher's course analytics, and the admin analytics tables as CSV (the analytics
pages' own services and CSV writer, formula-injection safe)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

from lms_app.analytics.services import platform, teacher
from lms_app.api.deps import require
from lms_app.api.errors import responses
from lms_app.api.services.tokens import Principal
from lms_app.api.staff import MAX_ID, call
from lms_app.core import csv_export

router = APIRouter(tags=["analytics"])


class PeriodView(BaseModel):
    start: str
    end: str
    label: str


class CourseStats(BaseModel):
    id: int
    title: str
    status: str
    rating: str
    students: int
    enrolled: int
    completed: int
    new: int
    completion: str
    revenue: str


class DayCount(BaseModel):
    date: str
    enrollments: int


class Totals(BaseModel):
    new: int
    completion: str
    revenue: str


class FunnelStep(BaseModel):
    step: int
    lesson: str
    started: int
    completed: int


class ScoreBand(BaseModel):
    band: str
    submissions: int


class TeacherAnalytics(BaseModel):
    period: PeriodView
    courses: list[CourseStats]
    enrollments: list[DayCount]
    totals: Totals
    selected: int
    funnel: list[FunnelStep]
    scores: list[ScoreBand]


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


@router.get("/teach/analytics", response_model=TeacherAnalytics, responses=responses(401, 403, 404, 422, 429),
            summary="My courses' enrolments, completion and revenue over a period (one course: its funnel)")
async def teacher_analytics(start: date | None = None, end: date | None = None,
                            course_id: int | None = Query(None, ge=1, le=MAX_ID),
                            principal: Principal = Depends(require("teach"))):
    return await call(teacher.overview, principal.actor, _day(start), _day(end), course_id)


CSV = {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "The table as CSV"}


@router.get("/admin/analytics/{table}.csv", response_class=Response, responses={200: CSV, **responses(401, 403, 422, 429)},
            summary="Export one platform analytics table as CSV")
async def analytics_export(table: Literal[platform.EXPORTS], start: date | None = None,  # type: ignore[valid-type]
                           end: date | None = None, principal: Principal = Depends(require("admin"))):
    filename, headers, rows = await call(platform.export_table, principal.actor, table, _day(start), _day(end))
    return Response(csv_export.to_csv(headers, rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
