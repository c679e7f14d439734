"""Catalog URL parameters: parse and validate the query string, build URLs, facets, chips, cursors.

Filters, sort and page live in the URL (shareable links, back button), so the URL is the one
source of truth: the page parses it with ``parse_params`` and links with ``catalog_url``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

from lms_app.core.courses import COURSE_LEVELS
from lms_app.catalog.views import FacetLink, FilterChip
from lms_app.core.views import CategoryView

CATALOG_PATH = "/courses"
PAGE_SIZES = (12, 24, 48)
DEFAULT_PAGE_SIZE = 12
MAX_QUERY_LENGTH = 100
MAX_OFFSET_PAGE = 1000
TOTAL_CAP = 10_000  # counted exactly up to here; beyond, the page says "10,000+"
RANK_CAP = 2_000  # a PostgreSQL search ranks by text up to this many matches; broader ones by popularity
SEARCH_CONFIG = "english"

SORTS = {
    "relevance": "Best match",
    "newest": "Newest",
    "price_asc": "Price: low to high",
    "price_desc": "Price: high to low",
    "rating": "Highest rated",
    "students": "Most students",
}
LANGUAGES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German", "pt": "Portuguese",
             "it": "Italian", "ja": "Japanese", "zh": "Chinese", "hi": "Hindi", "ar": "Arabic"}
MIN_RATINGS = (3.0, 3.5, 4.0, 4.5)
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


@dataclass(frozen=True)
class CatalogParams:
    """Validated catalog URL parameters (anything invalid in the URL is dropped)."""

    q: str = ""
    category: str = ""
    level: str = ""
    language: str = ""
    price_min: int | None = None  # whole units of the chosen currency (``currency``)
    price_max: int | None = None
    free: bool = False
    rating: float | None = None
    sort: str = ""  # "" = the default: relevance with a query, newest without
    size: int = DEFAULT_PAGE_SIZE
    page: int = 1
    after: str = ""
    before: str = ""
    # The viewer's currency (issue 20): cards show each course's price in it when the course has
    # one, and the price filter compares within it. "" = the site's first currency (LMS_CURRENCIES).
    currency: str = ""

    @property
    def effective_currency(self) -> str:
        from lms_app.core.currencies import enabled

        return self.currency or enabled()[0]

    @property
    def effective_sort(self) -> str:
        if self.sort and not (self.sort == "relevance" and not self.q):
            return self.sort
        return "relevance" if self.q else "newest"


def _int(raw: object, lo: int, hi: int) -> int | None:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if lo <= value <= hi else None


def parse_params(query: Mapping[str, object]) -> CatalogParams:
    """URL query → CatalogParams. Never raises: bad values fall back to their defaults."""
    get = lambda name: query.get(name)  # noqa: E731
    q = get("q")
    q = " ".join(q.split())[:MAX_QUERY_LENGTH] if isinstance(q, str) else ""
    category = get("category")
    category = category if isinstance(category, str) and _SLUG_RE.match(category) else ""
    level = get("level") if get("level") in COURSE_LEVELS else ""
    language = get("language") if get("language") in LANGUAGES else ""
    price_min, price_max = _int(get("price_min"), 0, 100_000), _int(get("price_max"), 0, 100_000)
    if price_min is not None and price_max is not None and price_min > price_max:
        price_min, price_max = price_max, price_min
    free = str(get("free") or "").lower() in ("1", "true", "yes", "on")
    rating = None
    try:
        r = float(str(get("rating")))
        rating = r if r in MIN_RATINGS else None
    except (TypeError, ValueError):
        pass
    sort = get("sort") if get("sort") in SORTS else ""
    size = _int(get("size"), 1, 1000)
    size = size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE
    page = _int(get("page"), 1, 10**7) or 1
    after = get("after") if isinstance(get("after"), str) and len(get("after")) <= 200 else ""
    before = get("before") if isinstance(get("before"), str) and len(get("before")) <= 200 and not after else ""
    if page == 1:
        after = before = ""
    from lms_app.core.currencies import clean_code

    currency = clean_code(get("currency")) or ""
    return CatalogParams(q=q, category=category, level=level, language=language, price_min=price_min,
                         price_max=price_max, free=free, rating=rating, sort=sort, size=size, page=page,
                         after=after, before=before, currency=currency)


def to_query(params: CatalogParams) -> dict[str, str]:
    """CatalogParams → the URL query (only what differs from the defaults, in a fixed order)."""
    out: dict[str, str] = {}
    for f in fields(CatalogParams):
        value = getattr(params, f.name)
        if value == f.default or value is None:
            continue
        if isinstance(value, bool):
            out[f.name] = "1"
        elif isinstance(value, float):
            out[f.name] = f"{value:g}"
        else:
            out[f.name] = str(value)
    return out


def catalog_url(params: CatalogParams, **changes) -> str:
    """The catalog URL for ``params`` with ``changes``; a filter change goes back to page 1."""
    if changes and not ({"page", "after", "before"} & set(changes)):
        changes = {**changes, "page": 1, "after": "", "before": ""}
    query = to_query(replace(params, **changes))
    return CATALOG_PATH + (f"?{urlencode(query)}" if query else "")


def encode_cursor(values: list) -> str:
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, kinds: tuple[type, ...]) -> list | None:
    """The cursor's values if they have the expected shape, else None (then page 1 is shown)."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):
        return None
    if not isinstance(values, list) or len(values) != len(kinds):
        return None
    out = []
    for value, kind in zip(values, kinds):
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if kind is str and not isinstance(value, str) or kind is not str and (
                isinstance(value, bool) or not isinstance(value, kind)):
            return None
        out.append(value)
    return out


def facet_links(params: CatalogParams, categories: list[CategoryView]) -> dict[str, list[FacetLink]]:
    """Links for each filter option; the active one links to the same list without it."""

    def link(label: str, field: str, value) -> FacetLink:
        active = getattr(params, field) == value
        return FacetLink(label=label, url=catalog_url(params, **{field: None if active and field == "rating" else
                                                                     ("" if active else value)}),
                         active=active)

    return {
        "category_links": [link(c["name"], "category", c["slug"]) for c in categories],
        "level_links": [link(level.title(), "level", level) for level in COURSE_LEVELS],
        "rating_links": [link(f"{r:g} & up", "rating", r) for r in reversed(MIN_RATINGS)],
    }


def filter_chips(params: CatalogParams, categories: list[CategoryView]) -> list[FilterChip]:
    names = {c["slug"]: c["name"] for c in categories}
    chips: list[FilterChip] = []

    def add(label: str, **cleared) -> None:
        chips.append(FilterChip(label=label, remove_url=catalog_url(params, **cleared)))

    if params.q:
        add(f"“{params.q}”", q="", sort="" if params.sort == "relevance" else params.sort)
    if params.category:
        add(names.get(params.category, params.category), category="")
    if params.level:
        add(params.level.title(), level="")
    if params.language:
        add(LANGUAGES[params.language], language="")
    if params.free:
        add("Free only", free=False)
    if params.price_min is not None:
        add(f"From {params.price_min} {params.effective_currency}", price_min=None)
    if params.price_max is not None:
        add(f"Up to {params.price_max} {params.effective_currency}", price_max=None)
    if params.rating is not None:
        add(f"{params.rating:g}★ and up", rating=None)
    return chips
