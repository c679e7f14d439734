"""The catalog page's query: search, filters, sort and keyset pages.

Three queries per page whatever the page size or catalog size: the page of results (one
row more than shown, to know whether a next page exists), the total for the result count,
and the category list for the filter panel. Pages after the first are reached with an
opaque keyset cursor (the last row's sort key and id), so page 500 costs what page 1 costs;
a bare ``page=N`` (a hand-typed link) still works with OFFSET.
"""

from __future__ import annotations

import math
import re

from sqlalchemy import Float, Integer, case, cast, func, literal, literal_column, tuple_
from sqlmodel import Session, select

from lms_app.core.courses import Category, Course
from lms_app.catalog.views import CatalogPageView
from lms_app.core.views import CategoryView
from lms_app.catalog.services.queries import Teacher
from lms_app.catalog.services.params import (
    MAX_OFFSET_PAGE,
    SEARCH_CONFIG,
    RANK_CAP,
    TOTAL_CAP,
    CatalogParams,
    catalog_url,
    decode_cursor,
    encode_cursor,
    facet_links,
    filter_chips,
)
from lms_app.core import currencies
from lms_app.core.money import exponent, format_price
from lms_app.core.text_match import ESCAPE, contains
from lms_app.core.view_builders import course_card

def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _search_terms(q: str) -> list[str]:
    return [t for t in re.split(r"[^\w]+", q.lower()) if t][:8]


def _filters(session: Session, params: CatalogParams):
    """WHERE clauses for the filters and the search; plus the relevance expression."""
    clauses = [Course.status == "published"]
    relevance = None
    if params.q:
        if _is_postgres(session):
            tsq = func.websearch_to_tsquery(SEARCH_CONFIG, params.q)
            # courses.search_vector: generated and stored by PostgreSQL (migration 0003), title
            # weighted A, subtitle B, description and teacher name D; GIN-indexed.
            vector = literal_column("courses.search_vector")
            clauses.append(vector.op("@@")(tsq))
            # float8, so the value in a keyset cursor round-trips exactly (float4 comes back rounded).
            relevance = cast(func.ts_rank(vector, tsq), Float)
        else:
            # SQLite fallback: every term must appear somewhere; a score ranks title hits first.
            terms = _search_terms(params.q) or [params.q.lower()]
            score = literal(0)
            for term in terms:
                pattern = contains(term)
                clauses.append(func.lower(Course.search_text).like(pattern, escape=ESCAPE))
                score = score + case((func.lower(Course.title).like(pattern, escape=ESCAPE), 4),
                                     (func.lower(Course.subtitle).like(pattern, escape=ESCAPE), 2), else_=1)
            relevance = score
    if params.category:
        clauses.append(Course.category_id == select(Category.id).where(Category.slug == params.category)
                       .scalar_subquery())
    if params.level:
        clauses.append(Course.level == params.level)
    if params.language:
        clauses.append(Course.language == params.language)
    if params.free:
        clauses.append(Course.price_minor == 0)
    elif params.price_min is not None or params.price_max is not None:
        # Within the viewer's currency only (issue 20): a course's price in that currency (its own,
        # or the one its teacher set for it; free is 0 everywhere). A course not sold in it is not
        # matched: 50 EUR is not "up to 40" in USD just because 50 > 40 nor because of a raw number.
        currency = params.effective_currency
        unit = 10 ** exponent(currency)
        clauses.append(currencies.price_between(
            currency, None if params.price_min is None else params.price_min * unit,
            None if params.price_max is None else params.price_max * unit, postgres=_is_postgres(session)))
    if params.rating is not None:
        clauses.append(Course.rating_count > 0)
        clauses.append(Course.rating_avg >= params.rating)
    return clauses, relevance


def _sort_key(sort: str, relevance):
    """(expression, python type, descending) of the sort; the id breaks ties in the same direction."""
    return {
        "relevance": (relevance, float, True),
        "newest": (Course.published_at, str, True),
        "price_asc": (Course.price_minor, int, False),
        "price_desc": (Course.price_minor, int, True),
        "rating": (Course.rating_avg, float, True),
        "students": (Course.student_count, int, True),
    }[sort]


def _key_value(value, kind):
    if kind is str:  # published_at: ISO text in the cursor
        return value.isoformat() if value is not None else ""
    return kind(value or 0)


def _key_param(value, kind):
    if kind is str:
        from datetime import datetime

        value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            raise ValueError("cursor time without an offset")
    return value


def _capped_total(session: Session, clauses, cap: int) -> int:
    """How many courses match, counted exactly up to ``cap`` + 1 (then the page says "10,000+")."""
    capped = select(literal(1)).select_from(Course).where(*clauses).limit(cap + 1).subquery()
    return session.exec(select(func.count()).select_from(capped)).one()


UNSOLD_LAST = 2_000_000_000  # above any price (authoring caps prices far lower); fits a 32-bit integer


def _in_currency(card, course: Course, price_minor: int | None, currency: str):
    """The card's price in the viewer's currency, or its own price marked with its own currency."""
    if price_minor is not None:
        card["price_label"] = format_price(int(price_minor), currency)
    elif course.currency != currency:
        card["price_label"] = f"{format_price(course.price_minor, course.currency)} ({course.currency})"
    return card


def search_courses(session: Session, params: CatalogParams) -> CatalogPageView:
    """One page of the catalog for ``params`` (three queries)."""
    clauses, relevance = _filters(session, params)
    sort = params.effective_sort
    if sort == "relevance" and relevance is None:
        sort = "newest"
    total, cap = None, TOTAL_CAP
    if sort == "relevance" and _is_postgres(session):
        # ts_rank must score every match before it can pick the best: 9,400 matches cost ~45 ms
        # and a word in 80,000 courses 100-350 ms. So a search is ranked by text only while it
        # matches at most RANK_CAP courses (counted first, which stops early); a broader term no
        # longer tells courses apart, and its matches are listed by popularity, which the
        # (status, student_count) index serves with early termination.
        cap = RANK_CAP
        total = _capped_total(session, clauses, cap)
        if total > cap:
            sort = "students"
    key, kind, desc = _sort_key(sort, relevance)
    price_join = None
    if sort in ("price_asc", "price_desc") and params.currency:
        # A currency the viewer chose (issue 20): order by the price in it (course_prices outer-joined
        # once, not looked up per row); courses not sold in it come last either way (a sentinel,
        # not NULL, so keyset cursors keep working). Without a chosen currency the sort stays on
        # the primary price, which its index serves.
        alias, on, price = currencies.joined_price(params.currency)
        price_join = (alias, on)
        key = func.coalesce(price, literal(-1 if desc else UNSOLD_LAST))
    key_col = key.label("sort_key")

    # A ranked search visits every match anyway, so on its first page the total comes with the results
    # (a window count); elsewhere it is a separate count, capped so browsing 100k courses does
    # not count them all on every page.
    windowed = total is None and sort == "relevance" and not (params.after or params.before) and params.page == 1
    extra = (func.count().over().label("total"),) if windowed else ()
    # The page is chosen on narrow rows (id, sort key) and only its rows are joined to their
    # teacher and category: ranking thousands of matches never carries their descriptions.
    stmt = select(Course.id, key_col, *extra)
    if price_join is not None:
        stmt = stmt.outerjoin(*price_join)
    stmt = stmt.where(*clauses)
    size = params.size
    direction = "next"
    cursor = None
    if params.after or params.before:
        cursor = decode_cursor(params.after or params.before, (kind, int))
        direction = "next" if params.after else "prev"
    if cursor is not None:
        try:
            key_type = key.type if sort != "relevance" else Float()
            bound = tuple_(literal(_key_param(cursor[0], kind), type_=key_type), literal(cursor[1], type_=Integer()))
        except (ValueError, TypeError):
            cursor = None
    if cursor is not None:
        pair = tuple_(key, Course.id)
        forward = (direction == "next")
        # Walking forward in a descending sort means smaller keys; backwards, larger ones.
        stmt = stmt.where(pair < bound if forward == desc else pair > bound)
        ascending_now = (not desc) if forward else desc
    else:
        ascending_now = not desc
    order = (key.asc(), Course.id.asc()) if ascending_now else (key.desc(), Course.id.desc())
    stmt = stmt.order_by(*order).limit(size + 1)
    offset = 0
    if cursor is None and params.page > 1:
        offset = (min(params.page, MAX_OFFSET_PAGE) - 1) * size
        stmt = stmt.offset(offset)
    picked = stmt.subquery("page_ids")
    outer_key = picked.c.sort_key.asc() if ascending_now else picked.c.sort_key.desc()
    outer_id = Course.id.asc() if ascending_now else Course.id.desc()
    currency = params.effective_currency
    rows = session.exec(
        select(Course, Teacher.name, Category.name, picked.c.sort_key, *((picked.c.total,) if windowed else ()))
        .add_columns(currencies.price_expr(currency).label("price_in_currency"))
        .join(picked, picked.c.id == Course.id)
        .join(Teacher, Teacher.id == Course.teacher_id)
        .outerjoin(Category, Category.id == Course.category_id)
        .order_by(outer_key, outer_id)
    ).all()

    more = len(rows) > size
    rows = list(rows[:size])
    if cursor is not None and direction == "prev":
        rows.reverse()
    courses = [_in_currency(course_card(row[0], row[1], row[2]), row[0], row[-1], currency) for row in rows]

    if windowed:
        total = rows[0][4] if rows else 0
    elif total is None:
        total = _capped_total(session, clauses, cap)
    categories = [CategoryView(id=c.id or 0, name=c.name, slug=c.slug, description=c.description, icon=c.icon,
                               course_count=0)
                  for c in session.exec(select(Category).order_by(Category.position, Category.name)).all()]

    page = params.page if (cursor is not None or offset) else 1
    if cursor is not None and direction == "prev":
        has_prev, has_next = more, True
    else:
        has_prev, has_next = page > 1, more
    is_capped = total > cap
    pages = max(1, math.ceil(min(total, cap) / size))
    next_url = prev_url = ""
    if rows and has_next:
        last = rows[-1]
        next_url = catalog_url(params, page=page + 1, before="",
                               after=encode_cursor([_key_value(last[3], kind), last[0].id]))
    if rows and has_prev:
        first = rows[0]
        prev_url = (catalog_url(params, page=1, after="", before="") if page - 1 <= 1 else
                    catalog_url(params, page=page - 1, after="",
                                before=encode_cursor([_key_value(first[3], kind), first[0].id])))
    elif page > 1:
        prev_url = catalog_url(params, page=1, after="", before="")
        has_prev = True
    total_label = f"{cap:,}+" if is_capped else f"{total:,}"
    page_label = f"Page {page:,}" if is_capped else f"Page {page:,} of {pages:,}"
    return CatalogPageView(courses=courses, categories=categories, total=min(total, cap), page=page,
                           pages=pages, total_label=total_label, page_label=page_label,
                           has_next=has_next and bool(rows), has_prev=has_prev, next_url=next_url,
                           prev_url=prev_url, chips=filter_chips(params, categories),
                           clear_url=catalog_url(CatalogParams(q=params.q, sort=params.sort, size=params.size,
                                                               currency=params.currency)),
                           **facet_links(params, categories))
