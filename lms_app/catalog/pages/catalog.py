"""Public catalog at /courses: search, filters, sort and keyset pages, all kept in the URL.

The URL is the source of truth: ``load`` reads the query string and shows that page; every
filter change is a redirect to a new URL, so links are shareable and the back button works.
Filter options are plain links built by the service; the few controls that need a value
(search box, sort, language, price, free only, page size) call small public handlers that only
build the next URL. Everything shown is published catalog data.
"""

from __future__ import annotations

import reflex as rx

from lms_app.ui.cards import course_grid, course_grid_skeleton
from lms_app.ui.layout import empty_state, page_shell
from lms_app.ui.links import link_button
from lms_app.core.db import run_db
from lms_app.catalog.views import CatalogPageView, FacetLink, FilterChip
from lms_app.catalog.services import params as catalog_params, search as catalog_search
from lms_app.core.settings import get_settings
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import public
from lms_app.core import currencies
from lms_app.core.currencies import enabled as enabled_currencies

EMPTY_PAGE = CatalogPageView(courses=[], categories=[], total=0, total_label="0", page=1, pages=1, page_label="",
                             has_next=False, has_prev=False,
                             next_url="", prev_url="", chips=[], clear_url="/courses", category_links=[],
                             level_links=[], rating_links=[])
ANY = "any"  # Radix select items cannot have an empty value
OPTION_NAMES = ("sort", "language", "size", "currency")


class CatalogState(rx.State):
    result: CatalogPageView = EMPTY_PAGE
    q: str = ""
    sort: str = ""
    language: str = ANY
    size: str = str(catalog_params.DEFAULT_PAGE_SIZE)
    free: bool = False
    price_min: str = ""
    price_max: str = ""
    filter_count: int = 0
    loaded: bool = False
    # The viewer's currency (issue 20): the URL's ``currency``; without one, the page asks the
    # browser for the last currency chosen there (``use_saved_currency``) and moves to its URL.
    currency: str = ""

    def _params(self) -> catalog_params.CatalogParams:
        return catalog_params.parse_params(self.router.url.query_parameters)

    @rx.event
    @public
    async def load(self):
        """Show the page the URL describes (published courses only)."""
        params = self._params()
        self.result = await run_db(catalog_search.search_courses, params)
        self.q = params.q
        self.sort = params.effective_sort
        self.language = params.language or ANY
        self.size = str(params.size)
        self.free = params.free
        self.price_min = "" if params.price_min is None else str(params.price_min)
        self.price_max = "" if params.price_max is None else str(params.price_max)
        self.currency = params.effective_currency
        self.filter_count = len([c for c in self.result["chips"] if not c["label"].startswith("“")])
        self.loaded = True
        if not params.currency:
            return rx.call_script(currencies.READ_SAVED_SCRIPT, callback=CatalogState.use_saved_currency)

    @rx.event
    @public
    def use_saved_currency(self, code: str):
        """The browser's remembered currency (validated): show the catalog in it."""
        params = self._params()
        saved = currencies.clean_code(code)
        if params.currency or not saved or saved == params.effective_currency:
            return None
        return rx.redirect(catalog_params.catalog_url(params, currency=saved))

    @rx.event
    @public
    def search(self, form_data: dict):
        """New search words: back to page 1; a new query sorts by relevance unless told otherwise."""
        q = form_data.get("q") if isinstance(form_data, dict) else ""
        params = self._params()
        changed = catalog_params.parse_params({**catalog_params.to_query(params), "q": q if isinstance(q, str) else ""})
        sort = "" if params.sort == "relevance" and not changed.q else params.sort
        return rx.redirect(catalog_params.catalog_url(params, q=changed.q, sort=sort))

    @rx.event
    @public
    def choose_option(self, option: str, value: str):
        """Sort order, language or page size from a select (validated by parse_params)."""
        if option not in OPTION_NAMES or not isinstance(value, str):
            return None
        params = self._params()
        query = {**catalog_params.to_query(params), option: "" if value == ANY else value}
        changed = catalog_params.parse_params(query)
        target = rx.redirect(catalog_params.catalog_url(params, **{option: getattr(changed, option)}))
        if option == "currency" and changed.currency:
            return [rx.call_script(currencies.save_script(changed.currency)), target]
        return target

    @rx.event
    @public
    def toggle_free(self, checked: bool):
        params = self._params()
        return rx.redirect(catalog_params.catalog_url(params, free=checked is True, price_min=None, price_max=None))

    @rx.event
    @public
    def apply_price(self, form_data: dict):
        form_data = form_data if isinstance(form_data, dict) else {}
        params = self._params()
        changed = catalog_params.parse_params({"price_min": form_data.get("price_min", ""),
                                        "price_max": form_data.get("price_max", "")})
        return rx.redirect(catalog_params.catalog_url(params, price_min=changed.price_min, price_max=changed.price_max,
                                               free=False))


# --- layout ---------------------------------------------------------------------------------

def _group(title: str, *children: rx.Component) -> rx.Component:
    return rx.vstack(rx.text(title, size="2", weight="bold", color=rx.color("gray", 12)), *children,
                     spacing="2", width="100%", align="start")


# Rows reserved for the facet lists while the first results load (the demo's eight categories,
# the fixed levels and ratings), so the filters below them do not jump when they arrive.
PLACEHOLDER_CATEGORIES = 8


def _facets(links: rx.Var, placeholders: int) -> rx.Component:
    return rx.cond(
        CatalogState.loaded,
        rx.foreach(links, _facet),
        rx.fragment(*[rx.skeleton(rx.box(height="20px", width="70%")) for _ in range(placeholders)]),
    )


def _facet(link: rx.Var[FacetLink]) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.cond(link["active"], rx.icon("circle-check", size=15), rx.icon("circle", size=15)),
            rx.text(link["label"], size="2"),
            align="center", spacing="2",
        ),
        href=link["url"], underline="none",
        color=rx.cond(link["active"], rx.color("accent", 11), rx.color("gray", 11)),
        weight=rx.cond(link["active"], "bold", "regular"),
        aria_current=rx.cond(link["active"], "true", "false"),
        _hover={"color": rx.color("accent", 12)},
    )


def _price_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(name="price_min", placeholder="Min", type="number", min="0", default_value=CatalogState.price_min,
                     aria_label="Minimum price", size="2", width="100%", key=CatalogState.price_min),
            rx.text("–", color=rx.color("gray", 10)),
            rx.input(name="price_max", placeholder="Max", type="number", min="0", default_value=CatalogState.price_max,
                     aria_label="Maximum price", size="2", width="100%", key=CatalogState.price_max),
            rx.button("Go", type="submit", size="2", variant="soft"),
            spacing="2", align="center", width="100%",
        ),
        on_submit=CatalogState.apply_price, width="100%",
    )


def filters_panel() -> rx.Component:
    r = CatalogState.result
    return rx.vstack(
        _group("Category", _facets(r["category_links"], PLACEHOLDER_CATEGORIES)),
        rx.separator(size="4"),
        _group("Level", _facets(r["level_links"], len(catalog_params.COURSE_LEVELS))),
        rx.separator(size="4"),
        _group(
            "Language",
            rx.select.root(
                rx.select.trigger(placeholder="Any language", width="100%", aria_label="Language"),
                rx.select.content(
                    rx.select.item("Any language", value=ANY),
                    *[rx.select.item(name, value=code) for code, name in catalog_params.LANGUAGES.items()],
                ),
                value=CatalogState.language, on_change=lambda v: CatalogState.choose_option("language", v), size="2",
            ),
        ),
        rx.separator(size="4"),
        _group(
            "Price",
            rx.el.label(
                rx.hstack(rx.switch(checked=CatalogState.free, on_change=CatalogState.toggle_free, size="1"),
                          rx.text("Free courses only", size="2"), align="center", spacing="2"),
            ),
            rx.cond(~CatalogState.free, _price_form()),
            rx.cond(~CatalogState.free, rx.text("In ", CatalogState.currency, " (the currency chosen above the "
                                                "results)", size="1", color=rx.color("gray", 11))),
        ),
        rx.separator(size="4"),
        _group("Rating", _facets(r["rating_links"], len(catalog_params.MIN_RATINGS))),
        spacing="4", width="100%", align="start",
    )


def _chip(chip: rx.Var[FilterChip]) -> rx.Component:
    return rx.link(
        rx.badge(chip["label"], rx.icon("x", size=12), variant="soft", size="2", radius="full"),
        href=chip["remove_url"], underline="none", aria_label="Remove filter " + chip["label"],
    )


def search_bar() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                name="q", placeholder="Search courses, topics or teachers", default_value=CatalogState.q,
                key=CatalogState.q, type="search", aria_label="Search courses", size="3", width="100%",
                max_length=catalog_params.MAX_QUERY_LENGTH,
            ),
            rx.button("Search", type="submit", size="3"),
            spacing="2", width="100%",
        ),
        on_submit=CatalogState.search, width="100%", role="search",
    )


def toolbar() -> rx.Component:
    return rx.flex(
        # The results' heading (h1 → h2 → the cards' h3): "14 courses".
        rx.heading(
            rx.text.strong(CatalogState.result["total_label"]),
            rx.cond(CatalogState.result["total"] == 1, " course", " courses"),
            rx.cond(CatalogState.q != "", rx.fragment(" for “", CatalogState.q, "”")),
            as_="h2", size="2", weight="regular", color=rx.color("gray", 11), aria_live="polite",
        ),
        rx.spacer(),
        rx.hstack(
            rx.text("Sort by", size="2", color=rx.color("gray", 11), class_name="lms-hide-narrow"),
            rx.select.root(
                rx.select.trigger(aria_label="Sort by"),
                rx.select.content(*[rx.select.item(label, value=key) for key, label in catalog_params.SORTS.items()]),
                value=CatalogState.sort, on_change=lambda v: CatalogState.choose_option("sort", v), size="2",
            ),
            rx.select.root(
                rx.select.trigger(aria_label="Currency"),
                rx.select.content(*[rx.select.item(code, value=code) for code in enabled_currencies()]),
                value=CatalogState.currency, on_change=lambda v: CatalogState.choose_option("currency", v), size="2",
            ),
            rx.select.root(
                rx.select.trigger(aria_label="Courses per page"),
                rx.select.content(*[rx.select.item(f"{n} per page", value=str(n)) for n in catalog_params.PAGE_SIZES]),
                value=CatalogState.size, on_change=lambda v: CatalogState.choose_option("size", v), size="2",
            ),
            spacing="2", align="center",
        ),
        align="center", gap="3", wrap="wrap", width="100%",
    )


def pager() -> rx.Component:
    r = CatalogState.result
    return rx.cond(
        r["has_next"] | r["has_prev"],
        rx.hstack(
            rx.cond(r["has_prev"],
                    link_button(rx.icon("chevron-left", size=16), "Previous", href=r["prev_url"], variant="soft"),
                    rx.button(rx.icon("chevron-left", size=16), "Previous", variant="soft", disabled=True)),
            rx.text(r["page_label"], size="2", color=rx.color("gray", 11)),
            rx.cond(r["has_next"],
                    link_button("Next", rx.icon("chevron-right", size=16), href=r["next_url"], variant="soft"),
                    rx.button("Next", rx.icon("chevron-right", size=16), variant="soft", disabled=True)),
            justify="center", align="center", spacing="4", width="100%", padding_top="1rem",
            as_="nav", aria_label="Pages",
        ),
    )


def results() -> rx.Component:
    r = CatalogState.result
    return rx.cond(
        CatalogState.loaded,
        rx.cond(
            r["courses"].length() > 0,
            rx.vstack(course_grid(r["courses"]), pager(), spacing="4", width="100%"),
            empty_state(
                "search-x", "No courses match",
                "Try fewer or different words, check the spelling, or remove a filter.",
                rx.hstack(
                    rx.cond(r["chips"].length() > 0, link_button("Clear filters", href=r["clear_url"])),
                    rx.cond(CatalogState.q != "", link_button("Clear search", href="/courses", variant="soft")),
                    spacing="3", wrap="wrap", justify="center",
                ),
            ),
        ),
        # As many placeholders as the first page brings, so the footer does not jump either.
        course_grid_skeleton(catalog_params.DEFAULT_PAGE_SIZE),
    )


def page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.heading(rx.cond(CatalogState.q != "", "Search results", "Explore courses"), size="8", as_="h1"),
            rx.text("Learn from teachers who use what they teach. Filter by topic, level, language and price.",
                    color=rx.color("gray", 11)),
            search_bar(),
            rx.hstack(link_button("Courses", href="/courses", variant="solid"),  # catalog sections (issue 15)
                      link_button("Live sessions", rx.icon("video", size=16), href="/live", variant="soft"),
                      spacing="2", aria_label="Catalog sections"),
            spacing="3", width="100%", margin_bottom="1.5rem",
        ),
        rx.flex(
            rx.box(
                rx.card(filters_panel(), width="100%"),
                width="260px", flex_shrink="0", display=rx.breakpoints(initial="none", md="block"),
                position="sticky", top="80px", as_="aside", aria_label="Filters",
            ),
            rx.vstack(
                rx.el.details(
                    rx.el.summary(
                        rx.hstack(rx.icon("sliders-horizontal", size=16), rx.text("Filters", weight="medium"),
                                  rx.cond(CatalogState.filter_count > 0,
                                          rx.badge(CatalogState.filter_count, radius="full", size="1")),
                                  align="center", spacing="2"),
                        cursor="pointer", padding="0.6rem 0.9rem", list_style="none",
                    ),
                    rx.box(filters_panel(), padding="0.5rem 0.9rem 1rem"),
                    display=rx.breakpoints(initial="block", md="none"), width="100%",
                    border=f"1px solid {rx.color('gray', 5)}", border_radius="10px",
                    background=rx.color("gray", 2),
                ),
                toolbar(),
                rx.cond(
                    CatalogState.result["chips"].length() > 0,
                    rx.hstack(
                        rx.foreach(CatalogState.result["chips"], _chip),
                        rx.link("Clear all", href="/courses", size="2", color=rx.color("gray", 11)),
                        spacing="2", wrap="wrap", align="center",
                    ),
                ),
                results(),
                spacing="4", width="100%", min_width="0",
            ),
            gap="1.5rem", align="start", width="100%",
        ),
    )


ROUTE = "/courses"
TITLE = f"Courses · {get_settings().site_name}"
ON_LOAD = [AuthState.refresh, CatalogState.load]
