"""Admins manage catalog categories: create, rename, describe, reorder, delete when unused.

A category still used by any course cannot be deleted (the foreign key is RESTRICT too); the
message says how many courses use it. Order is ``position``; moving swaps with the neighbour.
"""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.core.courses import Category, Course
from lms_app.core import audit
from lms_app.core.sessions import Actor
from lms_app.core.arguments import clean_text, object_id
from lms_app.authoring.services.checks import slugify
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import ADMIN_AREA, require_role

NAME_MAX, DESCRIPTION_MAX = 80, 500
NO_CATEGORY = "That category does not exist."
TAKEN = "A category with this name already exists."


class CategoryRowView(TypedDict):
    id: int
    name: str
    slug: str
    description: str
    courses: int
    first: bool
    last: bool


def listing(session: Session, actor: Actor) -> list[CategoryRowView]:
    """Every category in order with how many courses use it (one query)."""
    require_role(actor, ADMIN_AREA)
    used = select(Course.category_id, func.count(Course.id).label("n")).group_by(Course.category_id).subquery()
    rows = session.exec(select(Category, func.coalesce(used.c.n, 0)).outerjoin(used, used.c.category_id == Category.id)
                        .order_by(Category.position, Category.id)).all()
    return [CategoryRowView(id=c.id or 0, name=c.name, slug=c.slug, description=c.description, courses=int(n),
                            first=i == 0, last=i == len(rows) - 1) for i, (c, n) in enumerate(rows)]


def _name(raw: object) -> str:
    return " ".join(clean_text(raw, "name", "Name", minimum=2, maximum=NAME_MAX).split())


def _unique_slug(session: Session, name: str, exclude: int | None) -> str:
    base = slugify(name)[:70] or "category"
    slug, n = base, 2
    while True:
        query = select(Category.id).where(Category.slug == slug)
        if exclude is not None:
            query = query.where(Category.id != exclude)
        if session.exec(query).first() is None:
            return slug
        slug, n = f"{base}-{n}", n + 1


def _name_taken(session: Session, name: str, exclude: int | None) -> bool:
    query = select(Category.id).where(func.lower(Category.name) == name.lower())
    if exclude is not None:
        query = query.where(Category.id != exclude)
    return session.exec(query).first() is not None


def create(session: Session, actor: Actor, name: object, description: object) -> Category:
    require_role(actor, ADMIN_AREA)
    clean = _name(name)
    text = clean_text(description, "description", "The description", maximum=DESCRIPTION_MAX)
    if _name_taken(session, clean, None):
        raise ServiceError(TAKEN, "name")
    last = session.exec(select(func.max(Category.position))).one()
    row = Category(name=clean, slug=_unique_slug(session, clean, None), description=text, position=(last or 0) + 1)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ServiceError(TAKEN, "name") from None
    audit.record(session, actor, "category.create", "category", row.id, clean)
    return row


def _get(session: Session, actor: Actor, category_id: object) -> Category:
    require_role(actor, ADMIN_AREA)
    row = session.get(Category, object_id(category_id, NO_CATEGORY))
    if row is None:
        raise ServiceError(NO_CATEGORY)
    return row


def update(session: Session, actor: Actor, category_id: object, name: object, description: object) -> Category:
    row = _get(session, actor, category_id)
    clean = _name(name)
    text = clean_text(description, "description", "The description", maximum=DESCRIPTION_MAX)
    if _name_taken(session, clean, row.id):
        raise ServiceError(TAKEN, "name")
    before = row.name
    if clean != row.name:
        # The slug follows the name; catalog links by slug, so it changes with a rename.
        row.slug = _unique_slug(session, clean, row.id)
    row.name, row.description = clean, text
    session.add(row)
    session.flush()
    audit.record(session, actor, "category.update", "category", row.id,
                 clean if before == clean else f"{before} -> {clean}")
    return row


def move(session: Session, actor: Actor, category_id: object, direction: object) -> None:
    """Swap with the previous ("up") or next ("down") category; renumbers positions 1..n."""
    row = _get(session, actor, category_id)
    if direction not in ("up", "down"):
        raise ServiceError("Move a category up or down.")
    ordered = list(session.exec(select(Category).order_by(Category.position, Category.id)).all())
    index = next(i for i, c in enumerate(ordered) if c.id == row.id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, category in enumerate(ordered, start=1):
        if category.position != position:
            category.position = position
            session.add(category)
    session.flush()
    audit.record(session, actor, "category.move", "category", row.id, f"{row.name} moved {direction}")


def delete(session: Session, actor: Actor, category_id: object) -> str:
    row = _get(session, actor, category_id)
    used = int(session.exec(select(func.count(Course.id)).where(Course.category_id == row.id)).one())
    if used:
        raise ServiceError(f"“{row.name}” is used by {used} course{'s' if used != 1 else ''}. Move "
                           f"{'those courses' if used != 1 else 'that course'} to another category first.")
    name = row.name
    audit.record(session, actor, "category.delete", "category", row.id, name)
    session.delete(row)
    session.flush()
    return name
