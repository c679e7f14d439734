"""REST: the public catalog (``GET /courses``) and a course's page (``GET /courses/{slug}``).

The list takes the catalog page's own URL parameters, parsed by the same ``parse_params`` and
served by the same ``search_courses`` (filters, sorts, cursor pagination); ``next``/``prev`` are
the API paths of the neighbouring pages, carrying the same cursors as the page's links."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel

from lms_app.api.deps import optional_principal
from lms_app.api.dto import model_of
from lms_app.api.errors import not_found, responses
from lms_app.api.services.tokens import Principal
from lms_app.catalog.services import course_page as page_service
from lms_app.catalog.services import params as catalog_params
from lms_app.catalog.services.search import search_courses
from lms_app.catalog.views import CourseCtaView, CourseDetailView, ModuleView
from lms_app.core.db import run_db
from lms_app.core.views import CourseCardView

router = APIRouter(tags=["catalog"])
API_PATH = "/api/v1/courses"
SLUG = r"^[A-Za-z0-9][A-Za-z0-9-]{0,119}$"


class CoursePage(BaseModel):
    courses: list[model_of(CourseCardView)]
    total: int
    total_label: str
    page: int
    pages: int
    has_next: bool
    has_prev: bool
    next: str | None
    prev: str | None


class CourseDetail(BaseModel):
    course: model_of(CourseDetailView)
    modules: list[model_of(ModuleView)]
    action: model_of(CourseCtaView)


def _api_link(page_url: str) -> str | None:
    if not page_url:
        return None
    query = urlsplit(page_url).query
    return API_PATH + (f"?{query}" if query else "")


@router.get("/courses", response_model=CoursePage, responses=responses(422, 429), summary="Search the catalog")
async def list_courses(
    q: str | None = Query(None, max_length=200, description="Search words"),
    category: str | None = Query(None, max_length=100, description="Category slug"),
    level: str | None = Query(None, max_length=40),
    language: str | None = Query(None, max_length=10),
    price_min: int | None = Query(None, ge=0, le=100_000, description="Whole units of `currency`"),
    price_max: int | None = Query(None, ge=0, le=100_000),
    free: bool | None = Query(None),
    rating: Literal["3", "3.5", "4", "4.5"] | None = Query(None, description="Minimum average rating"),
    sort: Literal[tuple(catalog_params.SORTS)] | None = Query(None),  # type: ignore[valid-type]
    size: Literal[tuple(str(s) for s in catalog_params.PAGE_SIZES)] | None = Query(None),  # type: ignore[valid-type]
    page: int | None = Query(None, ge=1, le=10_000_000),
    after: str | None = Query(None, max_length=200, description="Cursor from `next`"),
    before: str | None = Query(None, max_length=200, description="Cursor from `prev`"),
    currency: str | None = Query(None, min_length=3, max_length=3,
                                 description="Show prices in this currency and compare price_min/price_max within "
                                             "it (default: the site's first currency)"),
) -> CoursePage:
    raw = {k: v for k, v in dict(q=q, category=category, level=level, language=language, price_min=price_min,
                                  price_max=price_max, free="1" if free else None, rating=rating, sort=sort,
                                  size=size, page=page, after=after, before=before,
                                  currency=currency).items() if v is not None}
    view = await run_db(search_courses, catalog_params.parse_params(raw))
    return CoursePage(courses=view["courses"], total=view["total"], total_label=view["total_label"],
                      page=view["page"], pages=view["pages"], has_next=view["has_next"], has_prev=view["has_prev"],
                      next=_api_link(view["next_url"]) if view["has_next"] else None,
                      prev=_api_link(view["prev_url"]) if view["has_prev"] else None)


@router.get("/courses/{slug}", response_model=CourseDetail, responses=responses(401, 404, 429),
            summary="A course's page: details, curriculum, and what this caller can do")
async def course_detail(slug: str = Path(max_length=120, pattern=SLUG),
                        principal: Principal | None = Depends(optional_principal)) -> CourseDetail:
    found = await run_db(page_service.course_page, slug, principal.actor if principal else None)
    if found is None:
        raise not_found("That course")
    detail, modules, cta, _meta = found
    return CourseDetail(course=detail, modules=modules, action=cta)
